package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.event.ChangeEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the apply side, fed by the engine as its {@link ApplyListener}: changes applied by table, replication
 * lag, batch size and duration, dead letters.
 * <p>
 * The listener is registered on the engine builder before the engine exists, and bound to the registries after; it
 * counts from the start and records distributions once bound. Tables get their counter on their first change.
 */
class ApplyMetrics implements ApplyListener, MeterBinder {

	static final String APPLIED = "harmonylite.changes.applied";

	static final String REPLICATION_LAG = "harmonylite.replication.lag";

	static final String BATCH_SIZE = "harmonylite.apply.batch.size";

	static final String BATCH_DURATION = "harmonylite.apply.batch.duration";

	static final String DEAD_LETTERS = "harmonylite.dead.letters";

	private final LongSupplier nodeId;

	private final Map<String, LongAdder> appliedByTable = new ConcurrentHashMap<>();

	private final LongAdder deadLetters = new LongAdder();

	private final List<Binding> bindings = new CopyOnWriteArrayList<>();

	/**
	 * Creates the meters' source.
	 * @param nodeId the node id for the {@code node_id} tag, read when binding (the engine is created after this)
	 */
	ApplyMetrics(LongSupplier nodeId) {
		this.nodeId = nodeId;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of(HarmonyLiteMetrics.NODE_ID, Long.toString(this.nodeId.getAsLong()));
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
		FunctionCounter.builder(DEAD_LETTERS, this.deadLetters, LongAdder::doubleValue)
			.description("Messages this node could not apply and moved to the dead-letter stream")
			.tags(tags)
			.register(registry);
		Binding binding = new Binding(registry, tags, lag, batchSize, batchDuration);
		this.bindings.add(binding);
		this.appliedByTable.forEach((table, count) -> binding.registerApplied(table, count));
	}

	@Override
	public void applied(ChangeEvent event, Duration lag) {
		LongAdder count = this.appliedByTable.get(event.table());
		if (count == null) {
			count = this.appliedByTable.computeIfAbsent(event.table(), (table) -> new LongAdder());
			for (Binding binding : this.bindings) {
				binding.registerApplied(event.table(), count);
			}
		}
		count.increment();
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

	@Override
	public void deadLettered(ReceivedMessage message, String reason) {
		this.deadLetters.increment();
	}

	/**
	 * The meters of one registry.
	 */
	private record Binding(MeterRegistry registry, Tags tags, Timer lag, DistributionSummary batchSize,
			Timer batchDuration) {

		void registerApplied(String table, LongAdder count) {
			// Registering the same id again returns the existing counter, so racing registrations are harmless.
			FunctionCounter.builder(APPLIED, count, LongAdder::doubleValue)
				.description("Changes applied on this node, its own included, by table")
				.tags(this.tags)
				.tag(HarmonyLiteMetrics.TABLE, table)
				.register(this.registry);
		}

	}

}
