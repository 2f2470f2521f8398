package io.harmonylite.snapshot;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest snapshots of a store and deletes the older ones.
 *
 * @since 0.1.0
 */
public final class SnapshotRetention {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotRetention.class);

	private final SnapshotStore store;

	private final int keep;

	/**
	 * Creates a retention policy.
	 * @param store the store to prune
	 * @param keep how many snapshots to keep, at least 1
	 */
	public SnapshotRetention(SnapshotStore store, int keep) {
		if (keep < 1) {
			throw new IllegalArgumentException("At least one snapshot must be kept, was " + keep);
		}
		this.store = store;
		this.keep = keep;
	}

	/**
	 * Deletes every snapshot but the newest {@code keep}.
	 * @return the ids of the deleted snapshots, newest first
	 */
	public List<String> prune() {
		List<SnapshotMetadata> snapshots = this.store.list();
		List<String> deleted = new ArrayList<>();
		for (SnapshotMetadata old : snapshots.subList(Math.min(this.keep, snapshots.size()), snapshots.size())) {
			this.store.delete(old.id());
			deleted.add(old.id());
		}
		if (!deleted.isEmpty()) {
			logger.info("Deleted {} old snapshot(s) from {}, keeping the newest {}", deleted.size(), this.store, this.keep);
		}
		return deleted;
	}

}
