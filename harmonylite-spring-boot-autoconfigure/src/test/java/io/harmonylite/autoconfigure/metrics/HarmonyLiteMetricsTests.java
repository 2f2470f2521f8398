package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.NodeState;
import io.harmonylite.replicate.ReplicationConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteMetrics}: every meter reads the node's status, counters its engine counters.
 */
class HarmonyLiteMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicReference<EngineStatus> status = new AtomicReference<>(EngineStatuses.running());

	private final ReplicationConfig twoShards = new ReplicationConfig(2, "harmonylite-changes",
			"harmonylite-change-log", 1, 1000, false, false, 16, 100);

	@Test
	void bindToShouldRegisterDescribedMetersTaggedWithNodeId() {
		metrics(Duration.ZERO).bindTo(this.registry);
		readMeters();

		assertThat(this.registry.getMeters()).isNotEmpty().allSatisfy((meter) -> {
			assertThat(meter.getId().getTag("node_id")).isEqualTo("3");
			assertThat(meter.getId().getDescription()).isNotBlank();
		});
		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.contains(HarmonyLiteMetrics.SCHEMA_MISMATCH_PAUSED, HarmonyLiteMetrics.PENDING, HarmonyLiteMetrics.FAILED,
					HarmonyLiteMetrics.STREAM_LAG, HarmonyLiteMetrics.PUBLISHED, HarmonyLiteMetrics.APPLIED,
					HarmonyLiteMetrics.PUBLISH_FAILURES, HarmonyLiteMetrics.DEAD_LETTERS,
					HarmonyLiteMetrics.NATS_RECONNECTS, HarmonyLiteMetrics.SCHEMA_PAUSES,
					HarmonyLiteMetrics.SCHEMA_RESUMES, HarmonyLiteMetrics.WORKER_RESTARTS,
					HarmonyLiteMetrics.SHARDS_PAUSED_MANUALLY, HarmonyLiteMetrics.EVENTS_DROPPED,
					HarmonyLiteMetrics.SUPERSEDED, HarmonyLiteMetrics.AHEAD_OF_CLOCK, HarmonyLiteMetrics.CLAMPED_VERSIONS,
					HarmonyLiteMetrics.SCHEMA_QUARANTINED);
	}

	@Test
	void manualPauseGaugeShouldCountTheShardsAnOperatorPaused() {
		metrics(Duration.ZERO).bindTo(this.registry);
		assertThat(gauge(HarmonyLiteMetrics.SHARDS_PAUSED_MANUALLY)).isZero();

		this.status.set(EngineStatuses.pausedManually());

		assertThat(gauge(HarmonyLiteMetrics.SHARDS_PAUSED_MANUALLY)).isOne();
		assertThat(gauge(HarmonyLiteMetrics.SCHEMA_MISMATCH_PAUSED)).as("not a schema mismatch").isZero();
	}

	@Test
	void problemsGaugeShouldCountTheProblemsOfEachKind() {
		metrics(Duration.ZERO).bindTo(this.registry);
		assertThat(problems("changes_unacknowledged")).isZero();

		this.status.set(EngineStatuses.withProblems(NodeState.DEGRADED, EngineStatuses.unacknowledgedBooks()));

		assertThat(problems("changes_unacknowledged")).isOne();
		assertThat(problems("nats_unreachable")).isZero();
	}

	private double problems(String kind) {
		return this.registry.get(HarmonyLiteMetrics.PROBLEMS).tag("node_id", "3").tag("kind", kind).gauge().value();
	}

	@Test
	void schemaMismatchGaugeShouldBeOneWhileAShardIsPaused() {
		metrics(Duration.ZERO).bindTo(this.registry);
		assertThat(gauge(HarmonyLiteMetrics.SCHEMA_MISMATCH_PAUSED)).isZero();

		this.status.set(EngineStatuses.paused());
		assertThat(gauge(HarmonyLiteMetrics.SCHEMA_MISMATCH_PAUSED)).isOne();

		this.status.set(EngineStatuses.running());
		assertThat(gauge(HarmonyLiteMetrics.SCHEMA_MISMATCH_PAUSED)).isZero();
	}

	@Test
	void pendingFailedAndStreamLagGaugesShouldFollowStatus() {
		metrics(Duration.ZERO).bindTo(this.registry);

		assertThat(gauge(HarmonyLiteMetrics.PENDING)).isEqualTo(7);
		assertThat(gauge(HarmonyLiteMetrics.FAILED)).isEqualTo(1);
		assertThat(this.registry.get(HarmonyLiteMetrics.STREAM_LAG).tag("shard", "0").gauge().value()).isZero();
		assertThat(this.registry.get(HarmonyLiteMetrics.STREAM_LAG)
			.tag("shard", "1")
			.tag("stream", "harmonylite-changes-1")
			.gauge()
			.value()).isEqualTo(5);
	}

	@Test
	void streamLagShouldBeNaNWhenUnknown() {
		this.status.set(EngineStatuses.inState(NodeState.DISCONNECTED));
		metrics(Duration.ZERO).bindTo(this.registry);

		assertThat(this.registry.get(HarmonyLiteMetrics.STREAM_LAG).tag("shard", "0").gauge().value()).isNaN();
		assertThat(this.registry.get(HarmonyLiteMetrics.STREAM_LAG).tag("shard", "1").gauge().value()).isNaN();
	}

	@Test
	void countersShouldReadTheEngineCountersOnce() {
		metrics(Duration.ZERO).bindTo(this.registry);
		readMeters();

		assertThat(counter(HarmonyLiteMetrics.PUBLISH_FAILURES)).isOne();
		assertThat(counter(HarmonyLiteMetrics.DEAD_LETTERS)).isEqualTo(3);
		assertThat(counter(HarmonyLiteMetrics.NATS_RECONNECTS)).isEqualTo(2);
		assertThat(counter(HarmonyLiteMetrics.SCHEMA_PAUSES)).isOne();
		assertThat(counter(HarmonyLiteMetrics.SCHEMA_RESUMES)).isZero();
		assertThat(counter(HarmonyLiteMetrics.WORKER_RESTARTS)).isZero();
		assertThat(counter(HarmonyLiteMetrics.EVENTS_DROPPED)).isEqualTo(4);
		assertThat(counter(HarmonyLiteMetrics.SUPERSEDED)).isEqualTo(5);
		assertThat(counter(HarmonyLiteMetrics.AHEAD_OF_CLOCK)).isOne();
		assertThat(counter(HarmonyLiteMetrics.CLAMPED_VERSIONS)).isEqualTo(2);
		assertThat(counter(HarmonyLiteMetrics.SCHEMA_QUARANTINED)).isEqualTo(6);
		assertThat(byTable(HarmonyLiteMetrics.APPLIED, "Books")).isEqualTo(12);
		assertThat(byTable(HarmonyLiteMetrics.PUBLISHED, "Books")).isEqualTo(9);
	}

	@Test
	void countsOfAStoppedEngineShouldStillBeRead() {
		metrics(Duration.ZERO).bindTo(this.registry);

		this.status.set(EngineStatuses.status(NodeState.STOPPED, java.util.List.of(),
				EngineStatuses.counters(4, Map.of("Books", 9L))));

		assertThat(counter(HarmonyLiteMetrics.NATS_RECONNECTS)).isEqualTo(4);
		assertThat(counter(HarmonyLiteMetrics.DEAD_LETTERS)).isEqualTo(3);
	}

	@Test
	void tablesShouldGetTheirCountersWhenTheyFirstAppear() {
		metrics(Duration.ZERO).bindTo(this.registry);
		readMeters();
		assertThat(this.registry.find(HarmonyLiteMetrics.PUBLISHED).tag("table", "Authors").functionCounter()).isNull();

		this.status.set(EngineStatuses.status(NodeState.RUNNING, java.util.List.of(),
				EngineStatuses.counters(2, Map.of("Books", 9L, "Authors", 5L))));
		readMeters();

		assertThat(byTable(HarmonyLiteMetrics.PUBLISHED, "Authors")).isEqualTo(5);
		assertThat(byTable(HarmonyLiteMetrics.APPLIED, "Authors")).isZero();
	}

	@Test
	void applyDistributionsShouldBeBoundWithTheNodesTags() {
		new HarmonyLiteMetrics(3, this.twoShards, this.status::get, new ApplyMetrics(), Duration.ZERO)
			.bindTo(this.registry);

		assertThat(this.registry.get(ApplyMetrics.REPLICATION_LAG).tag("node_id", "3").timer()).isNotNull();
		assertThat(this.registry.get(ApplyMetrics.BATCH_SIZE).tag("node_id", "3").summary()).isNotNull();
	}

	@Test
	void statusShouldBeReadOnceForAllMetersWithinItsTimeToLive() {
		AtomicInteger reads = new AtomicInteger();
		HarmonyLiteMetrics metrics = new HarmonyLiteMetrics(3, this.twoShards, () -> {
			reads.incrementAndGet();
			return this.status.get();
		}, null, Duration.ofMinutes(1));
		metrics.bindTo(this.registry);

		readMeters();
		readMeters();

		assertThat(reads).hasValue(1);
	}

	private HarmonyLiteMetrics metrics(Duration ttl) {
		return new HarmonyLiteMetrics(3, this.twoShards, this.status::get, null, ttl);
	}

	private void readMeters() {
		for (Meter meter : this.registry.getMeters()) {
			meter.measure().forEach((measurement) -> measurement.getValue());
		}
	}

	private double gauge(String name) {
		return this.registry.get(name).tag("node_id", "3").gauge().value();
	}

	private double counter(String name) {
		return this.registry.get(name).tag("node_id", "3").functionCounter().count();
	}

	private double byTable(String name, String table) {
		return this.registry.get(name).tag("table", table).functionCounter().count();
	}

}
