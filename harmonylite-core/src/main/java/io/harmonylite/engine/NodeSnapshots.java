package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
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
final class NodeSnapshots implements SnapshotOperations, ProblemSource {

	/** How long the scheduled snapshots fail before health says so: a failure that the next try mends is none. */
	static final Duration FAILING_REPORTED_AFTER = Duration.ofMinutes(1);


	private final long nodeId;

	private final SnapshotActivity activity;

	private final @Nullable SnapshotScheduler scheduler;

	private final @Nullable SnapshotRecovery recovery;

	private final Clock clock;

	/**
	 * Creates the parts.
	 * @param nodeId this node's id
	 * @param activity what happened, for the status, and the store
	 * @param scheduler takes the snapshots, {@code null} when the node does not apply the cluster's changes
	 * @param recovery restores them, {@code null} when the node does not apply the cluster's changes
	 * @param clock this node's clock
	 */
	NodeSnapshots(long nodeId, SnapshotActivity activity, @Nullable SnapshotScheduler scheduler,
			@Nullable SnapshotRecovery recovery, Clock clock) {
		this.nodeId = nodeId;
		this.activity = activity;
		this.scheduler = scheduler;
		this.recovery = recovery;
		this.clock = clock;
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
	 * Scheduled snapshots of this node (the lease holder) that have failed for {@link #FAILING_REPORTED_AFTER}: a
	 * {@code DEGRADED} problem, since a node that joins or reaches a stream gap restores nothing newer meanwhile.
	 */
	@Override
	public List<EngineStatus.Problem> problems() {
		SnapshotScheduler.Failing failing = (this.scheduler != null) ? this.scheduler.failing() : null;
		if (failing == null || failing.since().plus(FAILING_REPORTED_AFTER).isAfter(this.clock.instant())) {
			return List.of();
		}
		return List.of(new EngineStatus.Problem(EngineStatus.ProblemKind.SNAPSHOTS_FAILING,
				EngineStatus.Severity.DEGRADED, "snapshots", "this node holds the snapshot lease and its scheduled "
						+ "snapshots fail (retried with a growing delay): " + failing.reason() + ". A node that joins "
						+ "or reaches a stream gap restores no newer snapshot until this is fixed",
				failing.since()));
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
