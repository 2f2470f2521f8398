package io.harmonylite.engine;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.replicate.PublisherStats;
import org.jspecify.annotations.Nullable;

/**
 * The engine's counters, the one source the status, the endpoint and the meters read. They live as long as the
 * engine: the apply side counts here directly (as the first {@link ApplyListener}), and so do the conflict rule's
 * recorder and applier (through {@link #conflicts()}); the parts of a running node that
 * count for themselves (publisher, NATS connection, schema gate, workers) are attached while the node runs and hand
 * over their final counts when it has stopped, so that no count ever goes down.
 */
final class EngineCounters implements ApplyListener {

	private final Map<String, LongAdder> appliedByTable = new ConcurrentHashMap<>();

	private final Map<Integer, LongAdder> deadLettersByShard = new ConcurrentHashMap<>();

	private final LongAdder eventsDropped = new LongAdder();

	private final LongAdder quarantined = new LongAdder();

	private final LongAdder snapshotsTaken = new LongAdder();

	private final LongAdder snapshotRestores = new LongAdder();

	private final ConflictStats conflicts = new ConflictStats();

	// Guarded by this: the final counts of the nodes that ran before, and the counts of the running one.
	private RunCounts retired = RunCounts.NONE;

	private Supplier<RunCounts> running = () -> RunCounts.NONE;

	@Override
	public void applied(ChangeEvent event, Duration lag) {
		this.appliedByTable.computeIfAbsent(event.table(), (table) -> new LongAdder()).increment();
	}

	@Override
	public void deadLettered(ReceivedMessage message, String reason) {
		this.deadLettersByShard.computeIfAbsent(message.shard(), (shard) -> new LongAdder()).increment();
	}

	@Override
	public void quarantined(ReceivedMessage message, String schemaHash) {
		this.quarantined.increment();
	}

	/**
	 * Counts a replicated-change event dropped because the listeners did not keep up.
	 */
	void eventDropped() {
		this.eventsDropped.increment();
	}

	/**
	 * Messages of a shard dead-lettered since the engine was created.
	 * @param shard the shard
	 * @return the count
	 */
	long deadLetters(int shard) {
		LongAdder count = this.deadLettersByShard.get(shard);
		return (count != null) ? count.sum() : 0;
	}

	/**
	 * Changes applied since the engine was created, every table together.
	 * @return the count
	 */
	long appliedTotal() {
		return this.appliedByTable.values().stream().mapToLong(LongAdder::sum).sum();
	}

	/**
	 * Counts a snapshot this node took and stored.
	 */
	void snapshotTaken() {
		this.snapshotsTaken.increment();
	}

	/**
	 * Counts a snapshot restored into this node's database.
	 */
	void snapshotRestored() {
		this.snapshotRestores.increment();
	}

	/**
	 * The conflict rule's counters, shared by every node the engine starts.
	 * @return the counters
	 */
	ConflictStats conflicts() {
		return this.conflicts;
	}

	/**
	 * Counts, until {@link #detach()}, what a started node counts for itself.
	 * @param counts reads the node's own counters
	 */
	synchronized void attach(Supplier<RunCounts> counts) {
		this.running = counts;
	}

	/**
	 * Keeps the final counts of the node that stopped.
	 */
	synchronized void detach() {
		this.retired = this.retired.plus(this.running.get());
		this.running = () -> RunCounts.NONE;
	}

	/**
	 * The counts since the engine was created.
	 * @return the counters
	 */
	synchronized EngineStatus.Counters totals() {
		RunCounts total = this.retired.plus(this.running.get());
		Map<String, Long> applied = new TreeMap<>();
		this.appliedByTable.forEach((table, count) -> applied.put(table, count.sum()));
		long deadLetters = this.deadLettersByShard.values().stream().mapToLong(LongAdder::sum).sum();
		return new EngineStatus.Counters(applied, total.publishedByTable(), total.publishFailures(),
				total.publishRejected(), deadLetters, total.natsReconnects(), total.schemaPauses(),
				total.schemaResumes(), total.workerRestarts(), this.eventsDropped.sum(), this.snapshotsTaken.sum(),
				this.snapshotRestores.sum(), this.conflicts.superseded(), this.conflicts.aheadOfClock(),
				this.conflicts.clampedLocalVersions(), this.quarantined.sum());
	}

	/**
	 * What one running node counted for itself.
	 *
	 * @param publishedByTable changes its publisher had acknowledged, by table
	 * @param publishFailures failed publish attempts
	 * @param publishRejected changes that can never be published
	 * @param natsReconnects times its connection was re-established
	 * @param schemaPauses times its gate paused a shard
	 * @param schemaResumes times its gate resumed a shard
	 * @param workerRestarts times a dead worker was restarted
	 */
	record RunCounts(Map<String, Long> publishedByTable, long publishFailures, long publishRejected,
			long natsReconnects, long schemaPauses, long schemaResumes, long workerRestarts) {

		static final RunCounts NONE = new RunCounts(Map.of(), 0, 0, 0, 0, 0, 0);

		RunCounts {
			publishedByTable = Map.copyOf(publishedByTable);
		}

		/**
		 * The counts of a running node.
		 * @param publisher its publisher's counters, {@code null} when it does not publish
		 * @param natsReconnects times its connection was re-established
		 * @param schemaPauses times its gate paused a shard
		 * @param schemaResumes times its gate resumed a shard
		 * @param workerRestarts times a dead worker was restarted
		 * @return the counts
		 */
		static RunCounts of(@Nullable PublisherStats publisher, long natsReconnects, long schemaPauses,
				long schemaResumes, long workerRestarts) {
			return (publisher != null)
					? new RunCounts(publisher.publishedByTable(), publisher.failures(), publisher.rejected(),
							natsReconnects, schemaPauses, schemaResumes, workerRestarts)
					: new RunCounts(Map.of(), 0, 0, natsReconnects, schemaPauses, schemaResumes, workerRestarts);
		}

		RunCounts plus(RunCounts other) {
			Map<String, Long> published = new TreeMap<>(this.publishedByTable);
			other.publishedByTable.forEach((table, count) -> published.merge(table, count, Long::sum));
			return new RunCounts(published, this.publishFailures + other.publishFailures,
					this.publishRejected + other.publishRejected, this.natsReconnects + other.natsReconnects,
					this.schemaPauses + other.schemaPauses, this.schemaResumes + other.schemaResumes,
					this.workerRestarts + other.workerRestarts);
		}

	}

}
