package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.AppliedPositions;
import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.replicate.Signal;
import io.harmonylite.snapshot.RestoreDecision;
import io.harmonylite.snapshot.RestoreMode;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.RestoreReason;
import io.harmonylite.snapshot.RowsNeverCaptured;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotNotFoundException;
import io.harmonylite.snapshot.SnapshotRestorer;
import io.harmonylite.snapshot.SnapshotSelector;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.StreamState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores snapshots into a running node: at startup when the node has no replication state, whenever a shard
 * stops at a stream gap, and on demand. A restore holds every shard and pauses the apply loop, installs the snapshot
 * into the live database (keeping the node's pending local changes), moves the applied positions to the snapshot's,
 * and starts the shards again from there. When no snapshot fits, the node waits and says why; it decides again every
 * {@code retry}, and at once when woken (e.g. after a schema change).
 */
final class SnapshotRecovery implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotRecovery.class);

	/** How many times a startup restore is decided before the node starts from the streams. */
	static final int STARTUP_ATTEMPTS = 3;

	/** The pause between two of them. */
	static final Duration STARTUP_RETRY_PAUSE = Duration.ofSeconds(1);

	private final long nodeId;

	private final SnapshotStore store;

	private final RestoreMode mode;

	private final SnapshotRestorer restorer;

	private final RowsNeverCaptured neverCaptured;

	/** Rows a node without replication state held when it started from the streams to restore later. */
	private long rowsHeldAtStart;

	private final ShardSupervisor supervisor;

	private final ApplyLoop loop;

	private final AppliedPositions positions;

	private final Supplier<String> localHash;

	private final Supplier<List<StreamState>> streams;

	private final BooleanSupplier noReplicationState;

	private final BooleanSupplier unsentChangesOlderThanTombstones;

	private final SnapshotActivity activity;

	private final EngineCounters counters;

	private final Signal wake;

	private final Runnable requestSnapshot;

	private final Duration retry;

	private final Clock clock;

	private final Object lock = new Object();

	private volatile boolean running = true;

	private @Nullable String lastWait;

	/**
	 * Set when the node started without replication state and replays the streams because the snapshots had another
	 * schema: the streams do not hold the rows written before capture was installed, so the first snapshot of another
	 * node that fits once the schemas converge is restored all the same.
	 */
	private volatile boolean restoreLater;

	/**
	 * Creates the recovery of a node.
	 * @param nodeId this node's id
	 * @param store where snapshots are kept
	 * @param mode when the node restores by itself
	 * @param restorer installs a snapshot into the live database
	 * @param neverCaptured keeps a copy of the rows a new node held before it ever ran, which a restore replaces
	 * @param supervisor holds and starts the shards
	 * @param loop the apply loop, paused during a restore
	 * @param positions the applied positions, moved to the snapshot's
	 * @param localHash this node's current schema hash
	 * @param streams the shard streams as they are now
	 * @param noReplicationState whether the database has no stream position yet
	 * @param activity records restores and waits, for the status
	 * @param counters counts restores
	 * @param wake raised when a gap is found or something changed that may let a snapshot fit
	 * @param requestSnapshot asks the snapshot lease holder for a snapshot, at every decision that waits for one
	 * @param retry how often a node that waits for a snapshot decides again
	 * @param clock the clock
	 */
	SnapshotRecovery(long nodeId, SnapshotStore store, RestoreMode mode, SnapshotRestorer restorer,
			RowsNeverCaptured neverCaptured, ShardSupervisor supervisor, ApplyLoop loop, AppliedPositions positions, Supplier<String> localHash,
			Supplier<List<StreamState>> streams, BooleanSupplier noReplicationState,
			BooleanSupplier unsentChangesOlderThanTombstones, SnapshotActivity activity, EngineCounters counters, Signal wake,
			Runnable requestSnapshot, Duration retry, Clock clock) {
		this.nodeId = nodeId;
		this.store = store;
		this.mode = mode;
		this.restorer = restorer;
		this.neverCaptured = neverCaptured;
		this.supervisor = supervisor;
		this.loop = loop;
		this.positions = positions;
		this.localHash = localHash;
		this.streams = streams;
		this.noReplicationState = noReplicationState;
		this.unsentChangesOlderThanTombstones = unsentChangesOlderThanTombstones;
		this.activity = activity;
		this.counters = counters;
		this.wake = wake;
		this.requestSnapshot = requestSnapshot;
		this.retry = retry;
		this.clock = clock;
	}

	/**
	 * Starts the shards, first restoring the newest fitting snapshot when the node has no replication state, or holds
	 * unsent changes older than the tombstone retention, and the mode restores then; a snapshot that cannot be read leaves the node
	 * to replay the streams (or wait at a gap).
	 */
	void startShards() {
		RestoreReason reason = null;
		try {
			reason = startupReason();
			if (reason != null && decideAtStartup(reason)) {
				return;
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not restore a snapshot at startup, starting from the streams: {}", this.nodeId,
					ex.getMessage());
			if (reason == RestoreReason.NO_REPLICATION_STATE) {
				this.neverCaptured.warnNotReplicated("no snapshot could be restored at startup");
			}
		}
		this.supervisor.startAll();
	}

	/**
	 * Decides at startup, trying again when the restore fails: the snapshot chosen may be deleted under it (the lease
	 * holder keeps only the newest ones), and the next decision takes the newest again, leaving out the ones found
	 * missing.
	 */
	private boolean decideAtStartup(RestoreReason reason) {
		Set<String> notFound = new HashSet<>();
		for (int attempt = 1;; attempt++) {
			try {
				synchronized (this.lock) {
					return decide(reason, notFound);
				}
			}
			catch (RuntimeException ex) {
				if (attempt == STARTUP_ATTEMPTS) {
					throw ex;
				}
				logger.info("Node {}: could not restore a snapshot at startup ({}); deciding again", this.nodeId,
						ex.getMessage());
				try {
					Thread.sleep(STARTUP_RETRY_PAUSE.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/** Why the node should restore a snapshot before it starts its shards, {@code null} when it need not. */
	private @Nullable RestoreReason startupReason() {
		if (this.mode.allows(RestoreReason.NO_REPLICATION_STATE) && this.noReplicationState.getAsBoolean()) {
			return RestoreReason.NO_REPLICATION_STATE;
		}
		if (this.mode.allows(RestoreReason.UNSENT_CHANGES_OLDER_THAN_TOMBSTONES)
				&& this.unsentChangesOlderThanTombstones.getAsBoolean()) {
			logger.warn("Node {}: it holds unsent changes captured longer ago than "
					+ "harmonylite.replication.tombstone-retention: the other nodes may have removed the tombstones of "
					+ "rows deleted since, so it restores a snapshot (keeping its own changes) rather than replay the "
					+ "streams", this.nodeId);
			return RestoreReason.UNSENT_CHANGES_OLDER_THAN_TOMBSTONES;
		}
		return null;
	}

	/**
	 * Decides again at once, e.g. after a gap was found or the schema changed.
	 */
	void wake() {
		this.wake.raise();
	}

	/**
	 * Restores a snapshot on demand, whatever the mode.
	 * @param id the snapshot, {@code null} for the newest one that fits this node
	 * @return the outcome; {@link RestoreOutcome.Refused} when the snapshot does not fit this node (its schema hash,
	 * or positions the streams no longer hold)
	 * @throws io.harmonylite.snapshot.SnapshotNotFoundException if the store holds no snapshot with that id
	 * @throws io.harmonylite.snapshot.SnapshotException if the snapshot cannot be read or installed
	 */
	RestoreOutcome restore(@Nullable String id) {
		synchronized (this.lock) {
			RestoreDecision decision = SnapshotSelector.choose(id, this.store.list(), this.store.toString(),
					this.localHash.get(), this.streams.get());
			if (decision instanceof RestoreDecision.Restore restore) {
				return install(restore.snapshot(), "requested by an operator");
			}
			return new RestoreOutcome.Refused("Node " + this.nodeId + " restores no snapshot: "
					+ ((RestoreDecision.Wait) decision).reason());
		}
	}

	/**
	 * Heals the gaps: decides every {@code retry} while a shard has a gap, and at once when woken.
	 */
	@Override
	public void run() {
		while (this.running) {
			try {
				this.wake.await(this.retry);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (!this.running) {
				return;
			}
			if (this.supervisor.gaps().isEmpty()) {
				this.activity.waiting(null);
				if (this.restoreLater) {
					restoreOnceOneFits();
				}
				continue;
			}
			try {
				synchronized (this.lock) {
					RestoreReason reason = this.noReplicationState.getAsBoolean() ? RestoreReason.NO_REPLICATION_STATE
							: RestoreReason.STREAM_GAP;
					// A mode that leaves the gap to an operator: the shard stays stopped, reported as a gap.
					if (!this.supervisor.gaps().isEmpty() && this.mode.allows(reason)) {
						decide(reason, new HashSet<>());
					}
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Node {}: restoring a snapshot failed, trying again in {} s: {}", this.nodeId,
						this.retry.toSeconds(), ex.getMessage());
			}
		}
	}

	/**
	 * Stops the loop; a restore in progress finishes first.
	 */
	void stop() {
		this.running = false;
		this.wake.raise();
	}

	/**
	 * Decides with the selector and restores when it says so.
	 * @param notFound the snapshots to leave out, listed but found missing when restored; one found so is added
	 * @return whether a restore was tried (the shards are then started again)
	 */
	private boolean decide(RestoreReason reason, Set<String> notFound) {
		List<SnapshotMetadata> snapshots = this.store.list()
			.stream()
			.filter((snapshot) -> !notFound.contains(snapshot.id()))
			.toList();
		String hash = this.localHash.get();
		List<StreamState> streams = this.streams.get();
		RestoreDecision decision = new SnapshotSelector(this.mode).select(reason, snapshots, hash, streams);
		if (reason == RestoreReason.NO_REPLICATION_STATE && decision instanceof RestoreDecision.Proceed) {
			boolean schemaLater = snapshots.stream()
				.anyMatch((snapshot) -> SnapshotSelector.fitsButForSchema(snapshot, hash, streams));
			long rows = snapshots.isEmpty() ? this.neverCaptured.count() : 0;
			if (rows > 0) {
				logger.warn("Node {}: its replicated tables hold {} row(s) written before HarmonyLite ran here, never "
						+ "captured, and no snapshot exists. Nothing to do when every node holds the same rows (e.g. "
						+ "seed rows of a migration every node runs); otherwise the other nodes receive them only "
						+ "from a snapshot of this node: once every node runs, take one here (POST "
						+ "/actuator/harmonylitesnapshots, or --save-snapshot) and restore it on the nodes that lack "
						+ "them (POST /actuator/harmonylitesnapshots/{id}, or --restore-snapshot)", this.nodeId, rows);
			}
			this.restoreLater = schemaLater;
			// Counted now: the rows it applies from the streams until a snapshot fits were captured elsewhere.
			this.rowsHeldAtStart = schemaLater ? this.neverCaptured.count() : 0;
		}
		if (decision instanceof RestoreDecision.Restore restore) {
			if (reason == RestoreReason.NO_REPLICATION_STATE) {
				this.neverCaptured.keepBeforeRestoring(restore.snapshot().id());
			}
			try {
				install(restore.snapshot(), switch (reason) {
					case STREAM_GAP -> "a stream gap";
					case NO_REPLICATION_STATE -> "no replication state";
					case UNSENT_CHANGES_OLDER_THAN_TOMBSTONES -> "unsent changes older than the tombstone retention";
				});
			}
			catch (SnapshotNotFoundException ex) {
				notFound.add(restore.snapshot().id());
				throw ex;
			}
			return true;
		}
		if (decision instanceof RestoreDecision.Wait wait && reason == RestoreReason.UNSENT_CHANGES_OLDER_THAN_TOMBSTONES) {
			// Waiting would stop a node that the streams can still bring up to date, only not safely: go on, said.
			logger.warn("Node {}: no snapshot to restore ({}); replaying the streams instead: rows its old changes touch "
					+ "and another node deleted since may come back on the other nodes only. Compare the nodes' tables, or restore a snapshot "
					+ "by hand once one fits", this.nodeId, wait.reason());
		}
		else if (decision instanceof RestoreDecision.Wait wait) {
			waitFor(wait.reason());
		}
		else if (decision instanceof RestoreDecision.Proceed proceed) {
			this.activity.waiting(null);
			logger.info("Node {}: no snapshot restored: {}", this.nodeId, proceed.reason());
		}
		return false;
	}

	/**
	 * Restores the newest snapshot that fits now, for a node that started from the streams while the snapshots had
	 * another schema; stops looking once one fits (its own is not restored: it holds nothing new), or once none would
	 * fit but for its schema.
	 */
	private void restoreOnceOneFits() {
		try {
			synchronized (this.lock) {
				List<SnapshotMetadata> snapshots = this.store.list();
				String hash = this.localHash.get();
				List<StreamState> streams = this.streams.get();
				RestoreDecision decision = SnapshotSelector.choose(null, snapshots, this.store.toString(), hash,
						streams);
				if (decision instanceof RestoreDecision.Restore restore) {
					this.restoreLater = false;
					SnapshotMetadata snapshot = restore.snapshot();
					if (snapshot.nodeId() != this.nodeId) {
						// Still a node without state of its own before it ran: rows its tables held were never captured.
						this.neverCaptured.keepBeforeRestoring(snapshot.id(), this.rowsHeldAtStart);
						install(snapshot, "a snapshot fits now; it holds the rows other nodes had before their capture, "
								+ "which no stream holds");
					}
				}
				else if (snapshots.stream()
					.noneMatch((snapshot) -> SnapshotSelector.fitsButForSchema(snapshot, hash, streams))) {
					this.restoreLater = false;
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not restore a snapshot that fits now, trying again in {} s: {}",
					this.nodeId, this.retry.toSeconds(), ex.getMessage());
		}
	}

	private void waitFor(String reason) {
		this.activity.waiting(reason);
		if (!reason.equals(this.lastWait)) {
			logger.warn("Node {}: waits for a snapshot: {}; asks the snapshot lease holder for one", this.nodeId,
					reason);
		}
		this.lastWait = reason;
		// The holder takes one at its next heartbeat instead of at its next interval (at most one a minute so).
		this.requestSnapshot.run();
	}

	private RestoreOutcome install(SnapshotMetadata snapshot, String why) {
		logger.info("Node {}: restoring snapshot {} of node {} ({}); replication stops until it is installed",
				this.nodeId, snapshot.id(), snapshot.nodeId(), why);
		this.activity.restoring(snapshot.id());
		EngineStatus.Restore done = null;
		this.supervisor.holdAll();
		try (ApplyLoop.Pause pause = this.loop.pause()) {
			RestoreOutcome outcome = this.restorer.restore(this.store, snapshot, this.localHash.get());
			if (outcome instanceof RestoreOutcome.Restored restored) {
				this.positions.restored(restored.positions());
				this.loop.restoredPast();
				this.counters.snapshotRestored();
				done = new EngineStatus.Restore(snapshot.id(), this.clock.instant(), restored.took(), why);
				this.activity.waiting(null);
				this.lastWait = null;
			}
			else if (outcome instanceof RestoreOutcome.Refused refused) {
				waitFor(refused.reason());
			}
			return Objects.requireNonNull(outcome);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new HarmonyLiteException("Node " + this.nodeId + " was interrupted while waiting to restore snapshot "
					+ snapshot.id(), ex);
		}
		finally {
			this.activity.restored(done);
			this.supervisor.startAll();
		}
	}

}
