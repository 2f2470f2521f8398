package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.replicate.ReplicationConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds the meters of the node, all read from its status: gauges of its state (schema-mismatch pause, shards paused
 * by an operator, pending and failed changes, stream lag per shard, problems by kind) and counters over the engine's
 * own counts (changes published and applied by table, publish failures, dead letters, NATS reconnects, schema pauses
 * and resumes, worker restarts, dropped change events, the conflict rule's superseded changes, versions ahead of the
 * clock and clamped local versions), which never decrease while the engine exists, also across a stop and start. All
 * are tagged {@code node_id}. The status is read at most once per second, however many meters a scrape reads. With {@link ApplyMetrics}, it also binds the apply side's
 * distributions.
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

	static final String APPLIED = "harmonylite.changes.applied";

	static final String PUBLISH_FAILURES = "harmonylite.publish.failures";

	static final String DEAD_LETTERS = "harmonylite.dead.letters";

	static final String STREAM_LAG = "harmonylite.stream.lag";

	static final String NATS_RECONNECTS = "harmonylite.nats.reconnects";

	static final String SCHEMA_PAUSES = "harmonylite.schema.pauses";

	static final String SCHEMA_RESUMES = "harmonylite.schema.resumes";

	static final String SCHEMA_QUARANTINED = "harmonylite.schema.quarantined";

	static final String WORKER_RESTARTS = "harmonylite.worker.restarts";

	static final String SHARDS_PAUSED_MANUALLY = "harmonylite.shards.paused.manually";

	static final String EVENTS_DROPPED = "harmonylite.events.dropped";

	static final String PROBLEMS = "harmonylite.problems";

	static final String KIND = "kind";
	static final String SUPERSEDED = "harmonylite.conflicts.superseded";

	static final String AHEAD_OF_CLOCK = "harmonylite.conflicts.ahead.of.clock";

	static final String CLAMPED_VERSIONS = "harmonylite.conflicts.clamped.versions";

	private static final Duration STATUS_TTL = Duration.ofSeconds(1);

	private final long nodeId;

	private final ReplicationConfig replication;

	private final StatusCache status;

	private final @Nullable ApplyMetrics applyMetrics;

	private final Set<String> tables = ConcurrentHashMap.newKeySet();

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/**
	 * Creates the meters of the given engine read from its status.
	 * @param engine the engine
	 */
	public HarmonyLiteMetrics(HarmonyLiteEngine engine) {
		this(engine, null);
	}

	/**
	 * Creates the meters of the given engine, with the apply distributions of a listener registered on its builder.
	 * @param engine the engine
	 * @param applyMetrics the listener, {@code null} for none
	 */
	HarmonyLiteMetrics(HarmonyLiteEngine engine, @Nullable ApplyMetrics applyMetrics) {
		this(engine.config().nodeId(), engine.config().replication(), engine::status, applyMetrics, STATUS_TTL);
	}

	HarmonyLiteMetrics(long nodeId, ReplicationConfig replication, Supplier<EngineStatus> status,
			@Nullable ApplyMetrics applyMetrics, Duration statusTtl) {
		this.nodeId = nodeId;
		this.replication = replication;
		this.status = new StatusCache(status, statusTtl);
		this.applyMetrics = applyMetrics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = tags();
		gauge(registry, SCHEMA_MISMATCH_PAUSED,
				"1 while replication of at least one shard is paused by a schema mismatch, otherwise 0",
				(current) -> current.shards().stream().anyMatch(EngineStatus.Shard::paused) ? 1 : 0);
		gauge(registry, SHARDS_PAUSED_MANUALLY, "Shards whose replication an operator paused until resumed",
				(current) -> current.shards().stream().filter(EngineStatus.Shard::pausedManually).count());
		gauge(registry, PENDING, "Captured local changes not yet acknowledged by JetStream",
				EngineStatus::pendingChanges);
		gauge(registry, FAILED,
				"Captured local changes that can never be published, e.g. rows too large for a message",
				EngineStatus::failedChanges);
		for (EngineStatus.ProblemKind kind : EngineStatus.ProblemKind.values()) {
			Gauge.builder(PROBLEMS, this, (metrics) -> metrics.status().problems(kind).size())
				.strongReference(true)
				.description("Problems of the node now, by kind (the health names their shard, table or server)")
				.tags(tags)
				.tag(KIND, kind.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		for (int shard = 0; shard < this.replication.shards(); shard++) {
			int number = shard;
			Gauge.builder(STREAM_LAG, this, (metrics) -> metrics.streamLag(number))
				.strongReference(true)
				.description("Messages in the shard stream not yet applied on this node; NaN when unknown")
				.tags(tags)
				.tag("shard", Integer.toString(shard))
				.tag("stream", this.replication.streamName(shard))
				.register(registry);
		}
		counter(registry, PUBLISH_FAILURES, "Publish attempts that failed and were retried",
				EngineStatus.Counters::publishFailures);
		counter(registry, DEAD_LETTERS, "Messages this node could not apply and moved to the dead-letter stream",
				EngineStatus.Counters::deadLetters);
		counter(registry, NATS_RECONNECTS, "Times the connection to NATS was re-established",
				EngineStatus.Counters::natsReconnects);
		counter(registry, SCHEMA_PAUSES, "Times a shard was paused by a schema mismatch",
				EngineStatus.Counters::schemaPauses);
		counter(registry, SCHEMA_RESUMES, "Times a shard paused by a schema mismatch resumed",
				EngineStatus.Counters::schemaResumes);
		counter(registry, SCHEMA_QUARANTINED,
				"Messages quarantined to the dead-letter stream because no node ever reported their schema hash",
				EngineStatus.Counters::quarantinedUnknownHash);
		counter(registry, WORKER_RESTARTS, "Times a dead worker thread of the node was restarted",
				EngineStatus.Counters::workerRestarts);
		counter(registry, EVENTS_DROPPED,
				"Changes from other nodes not told to the application's listeners because they did not keep up",
				EngineStatus.Counters::eventsDropped);
		counter(registry, SUPERSEDED,
				"Received changes that lost on every column to what the node had (older changes, the node's own "
						+ "coming back), so nothing was written",
				EngineStatus.Counters::superseded);
		counter(registry, AHEAD_OF_CLOCK,
				"Received changes whose version was more than max-clock-skew ahead of this node's clock",
				EngineStatus.Counters::aheadOfClock);
		counter(registry, CLAMPED_VERSIONS,
				"Local changes whose version was bounded to this node's clock plus max-clock-skew",
				EngineStatus.Counters::clampedLocalVersions);
		if (this.applyMetrics != null) {
			this.applyMetrics.bindTo(registry, tags);
		}
		this.registries.add(registry);
		this.tables.forEach((table) -> registerTable(registry, table));
	}

	private void gauge(MeterRegistry registry, String name, String description,
			ToDoubleFunction<EngineStatus> value) {
		// Held strongly: a binder nobody else keeps (a test's, a registry bound by hand) must not read NaN after a GC.
		Gauge.builder(name, this, (metrics) -> value.applyAsDouble(metrics.status()))
			.strongReference(true)
			.description(description)
			.tags(tags())
			.register(registry);
	}

	private void counter(MeterRegistry registry, String name, String description,
			ToDoubleFunction<EngineStatus.Counters> value) {
		FunctionCounter.builder(name, this, (metrics) -> value.applyAsDouble(metrics.status().counters()))
			.description(description)
			.tags(tags())
			.register(registry);
	}

	private Tags tags() {
		return Tags.of(NODE_ID, Long.toString(this.nodeId));
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
	 * Reads the (cached) status and gives tables seen for the first time their counters: the watched tables change
	 * with the schema.
	 */
	private EngineStatus status() {
		EngineStatus current = this.status.get();
		current.watchedTables().forEach(this::table);
		current.counters().publishedByTable().keySet().forEach(this::table);
		current.counters().appliedByTable().keySet().forEach(this::table);
		return current;
	}

	private void table(String table) {
		if (this.tables.add(table)) {
			this.registries.forEach((registry) -> registerTable(registry, table));
		}
	}

	private void registerTable(MeterRegistry registry, String table) {
		// Registering the same id again returns the existing counter, so racing registrations are harmless.
		tableCounter(registry, PUBLISHED, "Local changes acknowledged by JetStream, by table", table,
				EngineStatus.Counters::publishedByTable);
		tableCounter(registry, APPLIED, "Changes applied on this node, its own included, by table", table,
				EngineStatus.Counters::appliedByTable);
	}

	private void tableCounter(MeterRegistry registry, String name, String description, String table,
			Function<EngineStatus.Counters, Map<String, Long>> counts) {
		FunctionCounter
			.builder(name, this, (metrics) -> counts.apply(metrics.status().counters()).getOrDefault(table, 0L))
			.description(description)
			.tags(tags())
			.tag(TABLE, table)
			.register(registry);
	}

}
