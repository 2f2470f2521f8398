package io.harmonylite.autoconfigure.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds the snapshot meters of the node, read from its status: the age and size of the newest snapshot in the store,
 * whether it is stale, how long this node's last snapshot took, and counters of the snapshots this node took and
 * restored. Tagged {@code node_id}; gauges are {@code NaN} while unknown (no snapshot, or snapshots disabled).
 *
 * @since 0.1.0
 */
public class SnapshotMetrics implements MeterBinder {

	static final String AGE = "harmonylite.snapshot.age";

	static final String SIZE = "harmonylite.snapshot.size";

	static final String STALE = "harmonylite.snapshot.stale";

	static final String TAKE_DURATION = "harmonylite.snapshot.take.duration";

	static final String TAKEN = "harmonylite.snapshot.taken";

	static final String RESTORES = "harmonylite.snapshot.restores";

	private static final Duration STATUS_TTL = Duration.ofSeconds(1);

	private final long nodeId;

	private final StatusCache status;

	private final Clock clock;

	/**
	 * Creates the meters of the given engine.
	 * @param engine the engine
	 */
	public SnapshotMetrics(HarmonyLiteEngine engine) {
		this(engine.config().nodeId(), engine::status, STATUS_TTL, Clock.systemUTC());
	}

	SnapshotMetrics(long nodeId, Supplier<EngineStatus> status, Duration statusTtl, Clock clock) {
		this.nodeId = nodeId;
		this.status = new StatusCache(status, statusTtl);
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		gauge(registry, AGE, "seconds", "Age of the newest snapshot in the store", (snapshots) -> {
			EngineStatus.Snapshot newest = snapshots.newest();
			return (newest != null) ? Duration.between(newest.createdAt(), this.clock.instant()).toMillis() / 1000.0
					: Double.NaN;
		});
		gauge(registry, SIZE, "bytes", "Compressed size of the newest snapshot in the store",
				(snapshots) -> (snapshots.newest() != null) ? snapshots.newest().size() : Double.NaN);
		gauge(registry, STALE, null, "1 while the newest snapshot is older than harmonylite.snapshot.stale-after",
				(snapshots) -> snapshots.stale() ? 1 : 0);
		gauge(registry, TAKE_DURATION, "seconds", "Time this node's last snapshot took to take and store",
				(snapshots) -> (snapshots.lastTakeDuration() != null) ? snapshots.lastTakeDuration().toMillis() / 1000.0
						: Double.NaN);
		counter(registry, TAKEN, "Snapshots this node took and stored", EngineStatus.Counters::snapshotsTaken);
		counter(registry, RESTORES, "Snapshots restored into this node's database",
				EngineStatus.Counters::snapshotRestores);
	}

	private void gauge(MeterRegistry registry, String name, @Nullable String unit, String description,
			ToDoubleFunction<EngineStatus.Snapshots> value) {
		Gauge.builder(name, this, (metrics) -> {
			EngineStatus.Snapshots snapshots = metrics.status.get().snapshots();
			return (snapshots != null) ? value.applyAsDouble(snapshots) : Double.NaN;
		}).description(description).baseUnit(unit).tags(tags()).register(registry);
	}

	private void counter(MeterRegistry registry, String name, String description,
			ToDoubleFunction<EngineStatus.Counters> value) {
		FunctionCounter.builder(name, this, (metrics) -> value.applyAsDouble(metrics.status.get().counters()))
			.description(description)
			.tags(tags())
			.register(registry);
	}

	private Tags tags() {
		return Tags.of(HarmonyLiteMetrics.NODE_ID, Long.toString(this.nodeId));
	}

}
