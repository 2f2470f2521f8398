package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.replicate.PublisherStats;
import io.harmonylite.replicate.ReplicationConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds the meters read from the node's status and publisher: schema-mismatch pause, pending and failed changes,
 * stream lag per shard, changes published by table, publish failures, NATS reconnects, schema pauses and resumes.
 * All are tagged {@code node_id}. The status is read at most once per second, however many meters a scrape reads.
 *
 * @since 0.1.0
 */
public class HarmonyLiteMetrics implements MeterBinder {

	static final String NODE_ID = "node_id";

	static final String TABLE = "table";

	static final String SCHEMA_MISMATCH_PAUSED = "harmonylite.schema.mismatch.paused";

	static final String PENDING = "harmonylite.changes.pending";

	static final String FAILED = "harmonylite.changes.failed";

	static final String PUBLISHED = "harmonylite.changes.published";

	static final String PUBLISH_FAILURES = "harmonylite.publish.failures";

	static final String STREAM_LAG = "harmonylite.stream.lag";

	static final String NATS_RECONNECTS = "harmonylite.nats.reconnects";

	static final String SCHEMA_PAUSES = "harmonylite.schema.pauses";

	static final String SCHEMA_RESUMES = "harmonylite.schema.resumes";

	private static final Duration STATUS_TTL = Duration.ofSeconds(1);

	private final long nodeId;

	private final ReplicationConfig replication;

	private final StatusCache status;

	private final PublishedChanges published;

	private final MonotonicTotal reconnects = new MonotonicTotal();

	private final MonotonicTotal pauses = new MonotonicTotal();

	private final MonotonicTotal resumes = new MonotonicTotal();

	private final Set<String> tables = ConcurrentHashMap.newKeySet();

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/**
	 * Creates the metrics of the given engine.
	 * @param engine the engine
	 */
	public HarmonyLiteMetrics(HarmonyLiteEngine engine) {
		this(engine.config().nodeId(), engine.config().replication(), engine::status, engine::publisherStats,
				STATUS_TTL);
	}

	HarmonyLiteMetrics(long nodeId, ReplicationConfig replication, Supplier<EngineStatus> status,
			Supplier<@Nullable PublisherStats> publisher, Duration statusTtl) {
		this.nodeId = nodeId;
		this.replication = replication;
		this.status = new StatusCache(status, statusTtl);
		this.published = new PublishedChanges(publisher);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = tags();
		Gauge.builder(SCHEMA_MISMATCH_PAUSED, this, (metrics) -> metrics.anyShardPaused() ? 1 : 0)
			.description("1 while replication of at least one shard is paused by a schema mismatch, otherwise 0")
			.tags(tags)
			.register(registry);
		Gauge.builder(PENDING, this, (metrics) -> metrics.status().pendingChanges())
			.description("Captured local changes not yet acknowledged by JetStream")
			.tags(tags)
			.register(registry);
		Gauge.builder(FAILED, this, (metrics) -> metrics.status().failedChanges())
			.description("Captured local changes that can never be published, e.g. rows too large for a message")
			.tags(tags)
			.register(registry);
		for (int shard = 0; shard < this.replication.shards(); shard++) {
			int number = shard;
			Gauge.builder(STREAM_LAG, this, (metrics) -> metrics.streamLag(number))
				.description("Messages in the shard stream not yet applied on this node; NaN when unknown")
				.tags(tags)
				.tag("shard", Integer.toString(shard))
				.tag("stream", this.replication.streamName(shard))
				.register(registry);
		}
		FunctionCounter.builder(PUBLISH_FAILURES, this.published, PublishedChanges::failures)
			.description("Publish attempts that failed and were retried")
			.tags(tags)
			.register(registry);
		counter(registry, NATS_RECONNECTS, "Times the connection to NATS was re-established", this.reconnects,
				(current) -> current.nats().reconnects());
		counter(registry, SCHEMA_PAUSES, "Times a shard was paused by a schema mismatch", this.pauses,
				(current) -> (current.schema() != null) ? current.schema().pauses() : 0);
		counter(registry, SCHEMA_RESUMES, "Times a shard paused by a schema mismatch resumed", this.resumes,
				(current) -> (current.schema() != null) ? current.schema().resumes() : 0);
		this.registries.add(registry);
		this.tables.forEach((table) -> registerPublished(registry, table));
	}

	private void counter(MeterRegistry registry, String name, String description, MonotonicTotal total,
			ToLongFunction<EngineStatus> value) {
		FunctionCounter.builder(name, this, (metrics) -> total.update(value.applyAsLong(metrics.status())))
			.description(description)
			.tags(tags())
			.register(registry);
	}

	private Tags tags() {
		return Tags.of(NODE_ID, Long.toString(this.nodeId));
	}

	private boolean anyShardPaused() {
		return status().shards().stream().anyMatch(EngineStatus.Shard::paused);
	}

	private double streamLag(int shard) {
		return status().shards()
			.stream()
			.filter((each) -> each.shard() == shard && each.lag() >= 0)
			.findFirst()
			.map((each) -> (double) each.lag())
			.orElse(Double.NaN);
	}

	/**
	 * Reads the (cached) status and gives tables seen for the first time their published-changes counter: the
	 * watched tables change with the schema.
	 */
	private EngineStatus status() {
		EngineStatus current = this.status.get();
		current.watchedTables().forEach(this::table);
		this.published.byTable().keySet().forEach(this::table);
		return current;
	}

	private void table(String table) {
		if (this.tables.add(table)) {
			this.registries.forEach((registry) -> registerPublished(registry, table));
		}
	}

	private void registerPublished(MeterRegistry registry, String table) {
		FunctionCounter.builder(PUBLISHED, this.published, (counts) -> counts.published(table))
			.description("Local changes acknowledged by JetStream, by table")
			.tags(tags())
			.tag(TABLE, table)
			.register(registry);
	}

	/**
	 * A total that never decreases although its source restarts from zero with the engine.
	 */
	static final class MonotonicTotal {

		private long offset;

		private long last;

		synchronized long update(long value) {
			if (value < this.last) {
				this.offset += this.last;
			}
			this.last = value;
			return this.offset + value;
		}

	}

}
