package io.harmonylite.snapshot;

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

	/**
	 * Creates a saver.
	 * @param taker takes the snapshot
	 * @param store where it goes
	 * @param keep how many snapshots the store keeps
	 */
	public SnapshotSaver(SnapshotTaker taker, SnapshotStore store, int keep) {
		this.taker = taker;
		this.store = store;
		this.retention = new SnapshotRetention(store, keep);
	}

	/**
	 * Takes, stores and prunes.
	 * @return the stored snapshot's metadata
	 * @throws SnapshotRefusedException if the node is not consistent now
	 * @throws SnapshotException if the snapshot cannot be taken or stored
	 */
	public SnapshotMetadata save() {
		try (TakenSnapshot taken = this.taker.take()) {
			this.store.put(taken.metadata(), taken.data());
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

}
