package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.replicate.ReplicationConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the HarmonyLite meters cost in Prometheus: the {@code harmonylite_*} series one node exposes, counted in a
 * real Prometheus exposition.
 */
class PrometheusSeriesTests {

	private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

	@Test
	void oneNodeWithOneShardAndOneTableShouldExposeFewSeries() {
		ApplyMetrics apply = new ApplyMetrics();
		new HarmonyLiteMetrics(3, oneShard(), EngineStatuses::running, apply, Duration.ZERO).bindTo(this.registry);
		apply.applied(change(), Duration.ofMillis(20));
		apply.batchApplied(1, Duration.ofMillis(1));
		// A table gets its counters when a scrape first reads the status with it; the next scrape has them all.
		this.registry.scrape();

		List<String> series = series();

		// 15 node gauges and counters (3 of them the conflict rule's, 1 the quarantine's), 1 problems gauge per problem
		// kind, 2 counters of table Books, 1 stream-lag gauge for the one shard, the lag histogram's 4 SLO buckets + +Inf
		// + count + sum + max = 8, batch size and duration 3 each. With Micrometer's percentile histogram (1 ms to 1 h)
		// the lag alone was 103 series, and the node 121 (without the meters for manual pauses, dropped events and
		// conflicts).
		assertThat(series).hasSize(15 + EngineStatus.ProblemKind.values().length + 2 + 1 + 8 + 3 + 3);
		assertThat(series).filteredOn((line) -> line.startsWith("harmonylite_replication_lag_seconds_bucket"))
			.extracting((line) -> line.substring(line.indexOf("le=\"") + 4, line.indexOf('"', line.indexOf("le=\"") + 4)))
			.containsExactly("0.005", "0.05", "0.5", "5.0", "+Inf");
	}

	private List<String> series() {
		return this.registry.scrape()
			.lines()
			.filter((line) -> line.startsWith("harmonylite_"))
			.toList();
	}

	private static ReplicationConfig oneShard() {
		return new ReplicationConfig(1, "harmonylite-changes", "harmonylite-change-log", 1, 1000, false, false, 16, 100);
	}

	private static ChangeEvent change() {
		return new ChangeEvent(1, 1, "Books", Operation.INSERT, Map.of("id", 1L), List.of("id"), 0, "");
	}

}
