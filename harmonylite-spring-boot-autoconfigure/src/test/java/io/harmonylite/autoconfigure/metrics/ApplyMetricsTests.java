package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ApplyMetrics}.
 */
class ApplyMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ApplyMetrics metrics = new ApplyMetrics();

	private final Tags tags = Tags.of("node_id", "2");

	@Test
	void changesAppliedBeforeBindingShouldNotBeRecorded() {
		this.metrics.applied(change("Books"), Duration.ofMillis(20));

		this.metrics.bindTo(this.registry, this.tags);

		assertThat(this.registry.get(ApplyMetrics.REPLICATION_LAG).timer().count()).isZero();
	}

	@Test
	void replicationLagShouldBeTimedWithPercentilesAndHistogram() {
		this.metrics.bindTo(this.registry, this.tags);

		this.metrics.applied(change("Books"), Duration.ofMillis(20));
		this.metrics.applied(change("Books"), Duration.ofMillis(40));

		Timer lag = this.registry.get(ApplyMetrics.REPLICATION_LAG).tag("node_id", "2").timer();
		assertThat(lag.count()).isEqualTo(2);
		assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(60);
		assertThat(lag.max(TimeUnit.MILLISECONDS)).isEqualTo(40);
		assertThat(lag.takeSnapshot().percentileValues()).hasSize(3);
		assertThat(this.registry.get(ApplyMetrics.REPLICATION_LAG + ".percentile").gauges()).hasSize(3);
	}

	@Test
	void batchesShouldBeMeasured() {
		this.metrics.bindTo(this.registry, this.tags);

		this.metrics.batchApplied(10, Duration.ofMillis(5));
		this.metrics.batchApplied(30, Duration.ofMillis(15));

		DistributionSummary size = this.registry.get(ApplyMetrics.BATCH_SIZE).tag("node_id", "2").summary();
		assertThat(size.count()).isEqualTo(2);
		assertThat(size.totalAmount()).isEqualTo(40);
		Timer duration = this.registry.get(ApplyMetrics.BATCH_DURATION).tag("node_id", "2").timer();
		assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20);
	}

	@Test
	void everyMeterShouldBeDescribed() {
		this.metrics.bindTo(this.registry, this.tags);
		this.metrics.applied(change("Books"), Duration.ofMillis(20));

		// The lag timer's percentiles are extra gauges that Micrometer names and describes itself.
		assertThat(this.registry.getMeters())
			.filteredOn((meter) -> !meter.getId().getName().endsWith(".percentile"))
			.hasSize(3)
			.allSatisfy((meter) -> assertThat(meter.getId().getDescription()).isNotBlank());
	}

	private static ChangeEvent change(String table) {
		return new ChangeEvent(1, 1, table, Operation.INSERT, Map.of("id", 1L), List.of("id"), 0, "");
	}

}
