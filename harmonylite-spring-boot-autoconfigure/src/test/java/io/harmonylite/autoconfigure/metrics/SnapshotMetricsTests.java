package io.harmonylite.autoconfigure.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.EngineStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SnapshotMetrics}: the newest snapshot's age and size, staleness, the last take's duration and the
 * counters, all read from the node's status.
 */
class SnapshotMetricsTests {

	private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicReference<EngineStatus> status = new AtomicReference<>(EngineStatuses.running());

	@Test
	void metersShouldReadTheSnapshotsFromTheStatus() {
		this.status.set(EngineStatuses.withSnapshots(EngineStatuses.running(),
				EngineStatuses.snapshots(NOW.minusSeconds(90), false), 4, 1));
		bind();

		assertThat(gauge(SnapshotMetrics.AGE)).isEqualTo(90.0);
		assertThat(gauge(SnapshotMetrics.SIZE)).isEqualTo(3000.0);
		assertThat(gauge(SnapshotMetrics.STALE)).isZero();
		assertThat(gauge(SnapshotMetrics.TAKE_DURATION)).isEqualTo(1.5);
		assertThat(this.registry.get(SnapshotMetrics.TAKEN).functionCounter().count()).isEqualTo(4);
		assertThat(this.registry.get(SnapshotMetrics.RESTORES).functionCounter().count()).isEqualTo(1);
		assertThat(this.registry.get(SnapshotMetrics.AGE).gauge().getId().getBaseUnit()).isEqualTo("seconds");
		assertThat(this.registry.getMeters()).allSatisfy((meter) -> {
			assertThat(meter.getId().getTag("node_id")).isEqualTo("3");
			assertThat(meter.getId().getDescription()).isNotBlank();
		});
	}

	@Test
	void staleGaugeShouldFollowTheStatus() {
		this.status.set(EngineStatuses.withSnapshots(EngineStatuses.running(), EngineStatuses.snapshots(NOW, true), 0,
				0));
		bind();

		assertThat(gauge(SnapshotMetrics.STALE)).isOne();
	}

	@Test
	void gaugesShouldBeNanWithoutSnapshotsAndCountersZero() {
		bind();

		assertThat(gauge(SnapshotMetrics.AGE)).isNaN();
		assertThat(gauge(SnapshotMetrics.SIZE)).isNaN();
		assertThat(gauge(SnapshotMetrics.TAKE_DURATION)).isNaN();
		assertThat(this.registry.get(SnapshotMetrics.RESTORES).functionCounter().count()).isZero();

		this.status.set(EngineStatuses.withSnapshots(EngineStatuses.running(), EngineStatuses.snapshots(null, false),
				0, 0));
		assertThat(gauge(SnapshotMetrics.AGE)).as("no snapshot in the store yet").isNaN();
	}

	private void bind() {
		new SnapshotMetrics(3, this.status::get, Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC)).bindTo(this.registry);
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

}
