package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.NodeState;
import io.harmonylite.replicate.PublisherStats;
import io.harmonylite.replicate.PublisherStatsRecorder;
import io.harmonylite.replicate.ReplicationConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteMetrics}.
 */
class HarmonyLiteMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicReference<EngineStatus> status = new AtomicReference<>(EngineStatuses.running());

	private final AtomicReference<@Nullable PublisherStats> publisher = new AtomicReference<>(new PublisherStats());

	private final ReplicationConfig twoShards = new ReplicationConfig(2, "harmonylite-changes",
			"harmonylite-change-log", 1, 1000, false, false, 16, 100);

	@Test
	void bindToShouldRegisterDescribedMetersTaggedWithNodeId() {
		metrics(Duration.ZERO).bindTo(this.registry);
		readGauges();

		assertThat(this.registry.getMeters()).isNotEmpty().allSatisfy((meter) -> {
			assertThat(meter.getId().getTag("node_id")).isEqualTo("3");
			assertThat(meter.getId().getDescription()).isNotBlank();
		});
		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.contains(HarmonyLiteMetrics.SCHEMA_MISMATCH_PAUSED, HarmonyLiteMetrics.PENDING, HarmonyLiteMetrics.FAILED,
					HarmonyLiteMetrics.STREAM_LAG, HarmonyLiteMetrics.PUBLISHED, HarmonyLiteMetrics.PUBLISH_FAILURES,
					HarmonyLiteMetrics.NATS_RECONNECTS, HarmonyLiteMetrics.SCHEMA_PAUSES,
					HarmonyLiteMetrics.SCHEMA_RESUMES);
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
	void publishedCounterShouldCountByTableAndSurviveEngineRestart() {
		metrics(Duration.ZERO).bindTo(this.registry);
		PublisherStats first = this.publisher.get();
		PublisherStatsRecorder.published(first, "Books", 3);
		PublisherStatsRecorder.failure(first);
		readGauges();
		assertThat(published("Books")).isEqualTo(3);

		// Stopped: no publisher; then started again with counters from zero.
		this.publisher.set(null);
		PublisherStatsRecorder.published(first, "Books", 1);
		assertThat(published("Books")).isEqualTo(4);
		PublisherStats second = new PublisherStats();
		this.publisher.set(second);
		PublisherStatsRecorder.published(second, "Books", 2);
		PublisherStatsRecorder.published(second, "Authors", 5);
		PublisherStatsRecorder.failure(second);
		readGauges();

		assertThat(published("Books")).isEqualTo(6);
		assertThat(published("Authors")).isEqualTo(5);
		assertThat(this.registry.get(HarmonyLiteMetrics.PUBLISH_FAILURES).functionCounter().count()).isEqualTo(2);
	}

	@Test
	void watchedTablesShouldGetPublishedCounterBeforeTheirFirstChange() {
		metrics(Duration.ZERO).bindTo(this.registry);
		readGauges();

		assertThat(published("Books")).isZero();
	}

	@Test
	void natsReconnectsShouldNotDecreaseWhenEngineRestarts() {
		metrics(Duration.ZERO).bindTo(this.registry);
		assertThat(counter(HarmonyLiteMetrics.NATS_RECONNECTS)).isEqualTo(2);

		this.status.set(withReconnects(EngineStatuses.inState(NodeState.STOPPED), 0));
		assertThat(counter(HarmonyLiteMetrics.NATS_RECONNECTS)).isEqualTo(2);

		this.status.set(withReconnects(EngineStatuses.running(), 1));
		assertThat(counter(HarmonyLiteMetrics.NATS_RECONNECTS)).isEqualTo(3);
	}

	@Test
	void schemaPausesShouldBeCounted() {
		metrics(Duration.ZERO).bindTo(this.registry);

		assertThat(counter(HarmonyLiteMetrics.SCHEMA_PAUSES)).isEqualTo(1);
		assertThat(counter(HarmonyLiteMetrics.SCHEMA_RESUMES)).isZero();
	}

	@Test
	void statusShouldBeReadOnceForAllMetersWithinItsTimeToLive() {
		AtomicInteger reads = new AtomicInteger();
		HarmonyLiteMetrics metrics = new HarmonyLiteMetrics(3, this.twoShards, () -> {
			reads.incrementAndGet();
			return this.status.get();
		}, this.publisher::get, Duration.ofMinutes(1));
		metrics.bindTo(this.registry);

		readGauges();
		readGauges();

		assertThat(reads).hasValue(1);
	}

	private HarmonyLiteMetrics metrics(Duration ttl) {
		return new HarmonyLiteMetrics(3, this.twoShards, this.status::get, this.publisher::get, ttl);
	}

	private void readGauges() {
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

	private double published(String table) {
		return this.registry.get(HarmonyLiteMetrics.PUBLISHED).tag("table", table).functionCounter().count();
	}

	private static EngineStatus withReconnects(EngineStatus status, long reconnects) {
		return new EngineStatus(status.nodeId(), status.version(), status.state(), status.publish(),
				status.replicate(), new EngineStatus.Nats(false, List.of(), true, reconnects), status.shards(),
				status.pendingChanges(), status.failedChanges(), status.watchedTables(), status.schema());
	}

}
