package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happened to snapshots on a running node, for its status: the newest snapshot in the store (read again now and
 * then, and at once when this node stores one), the last one this node took, the restore in progress or the last one,
 * and why the node waits for a snapshot.
 */
final class SnapshotActivity {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotActivity.class);

	private final long nodeId;

	private final SnapshotStore store;

	private final @Nullable Duration staleAfter;

	private final Clock clock;

	private final Instant startedAt;

	private volatile EngineStatus.@Nullable Snapshot newest;

	private volatile EngineStatus.@Nullable Snapshot lastTaken;

	private volatile @Nullable Duration lastTakeDuration;

	private volatile EngineStatus.@Nullable Restore lastRestore;

	private volatile @Nullable String restoring;

	private volatile @Nullable String waiting;

	/**
	 * Creates the record of a node that starts now.
	 * @param nodeId this node's id
	 * @param store the snapshot store, read for the newest snapshot
	 * @param staleAfter the age at which the newest snapshot is reported as stale, {@code null} for never
	 * @param clock the clock
	 */
	SnapshotActivity(long nodeId, SnapshotStore store, @Nullable Duration staleAfter, Clock clock) {
		this.nodeId = nodeId;
		this.store = store;
		this.staleAfter = staleAfter;
		this.clock = clock;
		this.startedAt = clock.instant();
	}

	/**
	 * The store the snapshots are kept in.
	 * @return the store
	 */
	SnapshotStore store() {
		return this.store;
	}

	/**
	 * Reads the newest snapshot from the store again.
	 */
	void refresh() {
		try {
			List<SnapshotMetadata> snapshots = this.store.list();
			this.newest = snapshots.isEmpty() ? null : describe(snapshots.get(0));
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not read the snapshot store ({}); the newest snapshot shown may be old: {}",
					this.nodeId, this.store, ex.getMessage());
		}
	}

	/**
	 * Records a snapshot this node took and stored.
	 * @param metadata the snapshot
	 * @param took how long taking and storing it took
	 */
	void taken(SnapshotMetadata metadata, Duration took) {
		EngineStatus.Snapshot snapshot = describe(metadata);
		this.lastTaken = snapshot;
		this.lastTakeDuration = took;
		EngineStatus.Snapshot current = this.newest;
		if (current == null || !current.createdAt().isAfter(snapshot.createdAt())) {
			this.newest = snapshot;
		}
	}

	/**
	 * Records that a restore started.
	 * @param snapshotId the snapshot being restored
	 */
	void restoring(String snapshotId) {
		this.restoring = snapshotId;
	}

	/**
	 * Records the end of a restore.
	 * @param restore the restore, {@code null} when the snapshot was not installed
	 */
	void restored(EngineStatus.@Nullable Restore restore) {
		if (restore != null) {
			this.lastRestore = restore;
		}
		this.restoring = null;
	}

	/**
	 * Records why the node waits for a snapshot.
	 * @param reason why, with the fix; {@code null} when it no longer waits
	 */
	void waiting(@Nullable String reason) {
		this.waiting = reason;
	}

	/**
	 * Whether a restore is in progress.
	 * @return {@code true} during a restore
	 */
	boolean isRestoring() {
		return this.restoring != null;
	}

	/**
	 * Why the node waits for a snapshot.
	 * @return the reason, {@code null} when it does not wait
	 */
	@Nullable String waitingReason() {
		return this.waiting;
	}

	/**
	 * The status of the snapshots now.
	 * @param leader whether this node holds the snapshot lease
	 * @return the status
	 */
	EngineStatus.Snapshots status(boolean leader) {
		EngineStatus.Snapshot current = this.newest;
		return new EngineStatus.Snapshots(this.store.toString(), leader, current,
				isStale(current, this.clock.instant()), this.staleAfter, this.lastTaken, this.lastTakeDuration,
				this.lastRestore, this.restoring, this.waiting);
	}

	private boolean isStale(EngineStatus.@Nullable Snapshot current, Instant now) {
		if (this.staleAfter == null) {
			return false;
		}
		Instant since = (current != null) ? current.createdAt() : this.startedAt;
		return Duration.between(since, now).compareTo(this.staleAfter) > 0;
	}

	static EngineStatus.Snapshot describe(SnapshotMetadata metadata) {
		return new EngineStatus.Snapshot(metadata.id(), metadata.nodeId(), metadata.createdAt(), metadata.size(),
				metadata.databaseSize(), metadata.totalRows());
	}

}
