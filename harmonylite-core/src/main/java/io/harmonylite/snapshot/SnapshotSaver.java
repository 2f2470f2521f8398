package io.harmonylite.snapshot;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a snapshot, stores it, and deletes the snapshots beyond the retention.
 *
 * @since 0.1.0
 */
public final class SnapshotSaver {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotSaver.class);

	private final SnapshotTaker taker;

	private final SnapshotStore store;

	private final SnapshotRetention retention;

	private final Listener listener;

	/**
	 * Creates a saver.
	 * @param taker takes the snapshot
	 * @param store where it goes
	 * @param keep how many snapshots the store keeps
	 */
	public SnapshotSaver(SnapshotTaker taker, SnapshotStore store, int keep) {
		this(taker, store, keep, (metadata, took) -> {
		});
	}

	/**
	 * Creates a saver that reports every snapshot it stored.
	 * @param taker takes the snapshot
	 * @param store where it goes
	 * @param keep how many snapshots the store keeps
	 * @param listener told about every snapshot stored
	 */
	public SnapshotSaver(SnapshotTaker taker, SnapshotStore store, int keep, Listener listener) {
		this.taker = taker;
		this.store = store;
		this.retention = new SnapshotRetention(store, keep);
		this.listener = listener;
	}

	/**
	 * Takes, stores and prunes; one save at a time (a scheduled one and one asked for by an operator wait for each other).
	 * @return the stored snapshot's metadata
	 * @throws SnapshotRefusedException if the node is not consistent now
	 * @throws SnapshotException if the snapshot cannot be taken or stored
	 */
	public synchronized SnapshotMetadata save() {
		long started = System.nanoTime();
		try (TakenSnapshot taken = this.taker.take()) {
			this.store.put(taken.metadata(), taken.data());
			this.listener.saved(taken.metadata(), Duration.ofNanos(System.nanoTime() - started));
			try {
				this.retention.prune();
			}
			catch (SnapshotException ex) {
				// The new snapshot is stored; the old ones go at the next save.
				logger.warn("Could not delete old snapshots: {}", ex.getMessage());
			}
			return taken.metadata();
		}
	}

	/**
	 * The store snapshots go to.
	 * @return the store
	 */
	public SnapshotStore store() {
		return this.store;
	}

	/**
	 * Told about every snapshot a saver stored, e.g. for metrics.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Called once a snapshot is stored, before old ones are deleted.
		 * @param metadata the snapshot
		 * @param took how long taking and storing it took
		 */
		void saved(SnapshotMetadata metadata, Duration took);

	}

}
