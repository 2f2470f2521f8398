package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.harmonylite.apply.ApplyListener;
import io.harmonylite.event.ChangeEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The distributions of the apply side, which only events can feed: replication lag, batch size and batch duration.
 * The engine calls it as an {@link ApplyListener} registered on its builder; {@link HarmonyLiteMetrics} binds its
 * meters with the node's tags. The apply side's counts are the engine's own, read from its status.
 */
class ApplyMetrics implements ApplyListener {

	static final String REPLICATION_LAG = "harmonylite.replication.lag";

	static final String BATCH_SIZE = "harmonylite.apply.batch.size";

	static final String BATCH_DURATION = "harmonylite.apply.batch.duration";

	private final List<Binding> bindings = new CopyOnWriteArrayList<>();

	/**
	 * Registers the meters in a registry; events from then on are recorded there.
	 * @param registry the registry
	 * @param tags the node's tags
	 */
	void bindTo(MeterRegistry registry, Tags tags) {
		Timer lag = Timer.builder(REPLICATION_LAG)
			.description("Time from the commit of a change on its origin node to its apply on this node")
			.tags(tags)
			.publishPercentiles(0.5, 0.95, 0.99)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofHours(1))
			.register(registry);
		DistributionSummary batchSize = DistributionSummary.builder(BATCH_SIZE)
			.description("Number of changes applied in one transaction")
			.tags(tags)
			.register(registry);
		Timer batchDuration = Timer.builder(BATCH_DURATION)
			.description("Duration of the transaction applying one batch of changes")
			.tags(tags)
			.register(registry);
		this.bindings.add(new Binding(lag, batchSize, batchDuration));
	}

	@Override
	public void applied(ChangeEvent event, Duration lag) {
		for (Binding binding : this.bindings) {
			binding.lag.record(lag);
		}
	}

	@Override
	public void batchApplied(int size, Duration duration) {
		for (Binding binding : this.bindings) {
			binding.batchSize.record(size);
			binding.batchDuration.record(duration.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * The meters of one registry.
	 */
	private record Binding(Timer lag, DistributionSummary batchSize, Timer batchDuration) {
	}

}
