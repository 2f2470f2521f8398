package io.harmonylite.engine;

import java.util.List;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotScheduler;
import io.harmonylite.snapshot.StreamState;
import org.jspecify.annotations.Nullable;

/**
 * The snapshot parts of a running node: its store, its scheduler (taking the scheduled snapshots while the node holds
 * the lease), its recovery (restoring them) and what happened, for the status; and the operations an operator asks
 * for.
 */
final class NodeSnapshots implements SnapshotOperations {

	private final long nodeId;

	private final SnapshotActivity activity;

	private final @Nullable SnapshotScheduler scheduler;

	private final @Nullable SnapshotRecovery recovery;

	/**
	 * Creates the parts.
	 * @param nodeId this node's id
	 * @param activity what happened, for the status, and the store
	 * @param scheduler takes the snapshots, {@code null} when the node does not apply the cluster's changes
	 * @param recovery restores them, {@code null} when the node does not apply the cluster's changes
	 */
	NodeSnapshots(long nodeId, SnapshotActivity activity, @Nullable SnapshotScheduler scheduler,
			@Nullable SnapshotRecovery recovery) {
		this.nodeId = nodeId;
		this.activity = activity;
		this.scheduler = scheduler;
		this.recovery = recovery;
	}

	@Override
	public List<SnapshotMetadata> list() {
		return this.activity.store().list();
	}

	@Override
	public SnapshotMetadata take() {
		return requireReplicating(this.scheduler).takeNow();
	}

	@Override
	public RestoreOutcome restore(@Nullable String id) {
		return requireReplicating(this.recovery).restore(id);
	}

	/**
	 * The snapshots' status.
	 * @return the status
	 */
	EngineStatus.Snapshots status() {
		return this.activity.status(this.scheduler != null && this.scheduler.isLeader());
	}

	/**
	 * What the shard streams hold now, as the snapshot selection needs it.
	 * @param sources the shard sources
	 * @return one state per stream
	 */
	static List<StreamState> streamStates(List<ShardSource> sources) {
		return sources.stream().map((source) -> {
			io.harmonylite.apply.StreamState state = source.state();
			return new StreamState(source.stream(), state.identity(), state.firstSequence(), state.lastSequence());
		}).toList();
	}

	private <T> T requireReplicating(@Nullable T part) {
		if (part == null) {
			throw new HarmonyLiteException("Node " + this.nodeId + " does not apply the cluster's changes "
					+ "(harmonylite.replicate=false), so it neither takes nor restores snapshots; use another node");
		}
		return part;
	}

}
