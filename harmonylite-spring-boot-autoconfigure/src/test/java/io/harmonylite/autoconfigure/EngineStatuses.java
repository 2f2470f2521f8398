package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.NodeState;

/**
 * Node statuses and unstarted engines for tests of the Actuator, metrics and Flyway auto-configurations.
 */
public final class EngineStatuses {

	/** The hash of the sample's Books table. */
	public static final String HASH = "4efea1eeb73b561950735b7d42669fd24615a4a9502e505327bd834eab2a3d52";

	/** The hash of Books with an email column. */
	public static final String NEW_HASH = "32112c50b565ea9c47bd264ea10a0f3e573a90b944cd0dce46cff73731bb53c1";

	/** When the test node's schema was recorded. */
	public static final Instant UPDATED_AT = Instant.parse("2025-01-01T10:00:00Z");

	/** When the test node's shard 1 was paused. */
	public static final Instant PAUSED_SINCE = Instant.parse("2025-01-01T10:05:00Z");

	private EngineStatuses() {
	}

	/**
	 * A running node 3 with two shards: shard 0 caught up, shard 1 lagging by 5.
	 * @return the status
	 */
	public static EngineStatus running() {
		return status(NodeState.RUNNING, List.of(shard(0, 40, 40), shard(1, 10, 15)));
	}

	/**
	 * Node 3 with shard 1 paused by a change carrying {@link #NEW_HASH}.
	 * @return the status
	 */
	public static EngineStatus paused() {
		return status(NodeState.PAUSED_SCHEMA_MISMATCH, List.of(shard(0, 40, 40), new EngineStatus.Shard(1,
				"harmonylite-changes-1", 10, 12, 2, true, NEW_HASH, PAUSED_SINCE, null, 0, null)));
	}

	/**
	 * Node 3 in the given state, with two caught-up shards unless the state says otherwise.
	 * @param state the state
	 * @return the status
	 */
	public static EngineStatus inState(NodeState state) {
		return switch (state) {
			case RUNNING -> running();
			case PAUSED_SCHEMA_MISMATCH -> paused();
			case PAUSED_MANUALLY -> pausedManually();
			case DISCONNECTED -> status(state, List.of(new EngineStatus.Shard(0, "harmonylite-changes-0", 40, -1, -1,
					false, null, null, null, 0, null)));
			case STREAM_GAP -> status(state, List.of(new EngineStatus.Shard(0, "harmonylite-changes-0", 40, 900, -1,
					false, null, null, "sequences 41 to 99 were dropped by the stream", 0, null)));
			default -> status(state, List.of(shard(0, 40, 40)));
		};
	}

	/**
	 * A node status.
	 * @param state the state
	 * @param shards the shards
	 * @return the status
	 */
	public static EngineStatus status(NodeState state, List<EngineStatus.Shard> shards) {
		return status(state, shards, counters(2, Map.of("Books", 9L)));
	}

	/**
	 * A node status with the given counters.
	 * @param state the state
	 * @param shards the shards
	 * @param counters the counters
	 * @return the status
	 */
	public static EngineStatus status(NodeState state, List<EngineStatus.Shard> shards,
			EngineStatus.Counters counters) {
		List<EngineStatus.Worker> workers = (state == NodeState.WORKER_FAILED)
				? List.of(new EngineStatus.Worker("apply", EngineStatus.WorkerState.RESTARTING, 0,
						"java.lang.OutOfMemoryError: Java heap space", UPDATED_AT))
				: List.of(new EngineStatus.Worker("apply", EngineStatus.WorkerState.RUNNING, 0, null, null));
		return new EngineStatus(3, "v0.1.0", state, true, true,
				new EngineStatus.Nats(false, List.of("nats://127.0.0.1:4222"), state != NodeState.DISCONNECTED,
						counters.natsReconnects(), null, "2.10.27", "always", 3, true, null),
				shards, 7, 1, List.of("Books"),
				new EngineStatus.Schema(HASH, null, UPDATED_AT, counters.schemaPauses(), counters.schemaResumes()),
				workers, counters);
	}

	/**
	 * A status with snapshots and snapshot counters.
	 * @param status the status
	 * @param snapshots the snapshots
	 * @param taken snapshots taken
	 * @param restores snapshots restored
	 * @return the status with them
	 */
	public static EngineStatus withSnapshots(EngineStatus status, EngineStatus.Snapshots snapshots, long taken,
			long restores) {
		EngineStatus.Counters c = status.counters();
		return new EngineStatus(status.nodeId(), status.version(), status.state(), status.publish(),
				status.replicate(), status.nats(), status.shards(), status.pendingChanges(), status.failedChanges(),
				status.watchedTables(), status.schema(), status.workers(),
				new EngineStatus.Counters(c.appliedByTable(), c.publishedByTable(), c.publishFailures(),
						c.publishRejected(), c.deadLetters(), c.natsReconnects(), c.schemaPauses(), c.schemaResumes(),
						c.workerRestarts(), c.eventsDropped(), taken, restores, c.superseded(), c.aheadOfClock(),
						c.clampedLocalVersions()),
				snapshots);
	}

	/**
	 * Snapshots whose newest one was taken by node 1 at the given time, of 3,000 bytes.
	 * @param newestAt when the newest snapshot was taken, {@code null} for none
	 * @param stale whether it is stale
	 * @return the snapshots
	 */
	public static EngineStatus.Snapshots snapshots(Instant newestAt, boolean stale) {
		EngineStatus.Snapshot newest = (newestAt != null)
				? new EngineStatus.Snapshot("20250101T100000000Z-n1-abcdef", 1, newestAt, 3000, 9000, 100) : null;
		return new EngineStatus.Snapshots("NATS object store bucket harmonylite-snapshots", false, newest, stale,
				java.time.Duration.ofHours(2), newest, java.time.Duration.ofMillis(1500), null, null, null);
	}

	/**
	 * Counters: 12 changes of Books applied, 3 dead letters, 1 publish failure, 1 schema pause, 4 events dropped,
	 * 5 superseded changes, 1 change ahead of the clock, 2 clamped local versions.
	 * @param natsReconnects the reconnects
	 * @param publishedByTable the changes published by table
	 * @return the counters
	 */
	public static EngineStatus.Counters counters(long natsReconnects, Map<String, Long> publishedByTable) {
		return new EngineStatus.Counters(Map.of("Books", 12L), publishedByTable, 1, 0, 3, natsReconnects, 1, 0, 0, 4,
				0, 0, 5, 1, 2, 6);
	}

	/**
	 * A shard that is not paused.
	 * @param shard the shard number
	 * @param applied the applied sequence
	 * @param last the stream's last sequence
	 * @return the shard
	 */
	public static EngineStatus.Shard shard(int shard, long applied, long last) {
		return new EngineStatus.Shard(shard, "harmonylite-changes-" + shard, applied, last, last - applied, false,
				null, null, null, (shard == 1) ? 3 : 0, null);
	}

	/**
	 * Node 3 with shard 0 paused by an operator since {@link #PAUSED_SINCE}.
	 * @return the status
	 */
	public static EngineStatus pausedManually() {
		return status(NodeState.PAUSED_MANUALLY, List.of(new EngineStatus.Shard(0, "harmonylite-changes-0", 40, 45, 5,
				false, null, null, null, 0, PAUSED_SINCE), shard(1, 10, 15)));
	}

	/**
	 * Node 3 in a state, with problems.
	 * @param state the state
	 * @param problems the problems, worst first
	 * @return the status
	 */
	public static EngineStatus withProblems(NodeState state, EngineStatus.Problem... problems) {
		EngineStatus status = inState(state);
		return new EngineStatus(status.nodeId(), status.version(), status.state(), status.publish(),
				status.replicate(), status.nats(), status.shards(), status.pendingChanges(), status.failedChanges(),
				status.watchedTables(), status.schema(), status.workers(), status.counters(), status.snapshots(),
				status.recentFailedChanges(), List.of(problems));
	}

	/**
	 * Changes of table Books unacknowledged for 45 s since {@link #UPDATED_AT}.
	 * @return the problem
	 */
	public static EngineStatus.Problem unacknowledgedBooks() {
		return new EngineStatus.Problem(EngineStatus.ProblemKind.CHANGES_UNACKNOWLEDGED,
				EngineStatus.Severity.DEGRADED, "table Books", "7 change(s) wait for JetStream's acknowledgement",
				UPDATED_AT);
	}

	/**
	 * An engine that is never started.
	 * @param dir a temporary directory for its database
	 * @return the engine
	 */
	public static HarmonyLiteEngine unstartedEngine(Path dir) {
		return HarmonyLiteEngine.builder(HarmonyLiteConfig.builder().nodeId(3).dbPath(dir.resolve("node.db")).build())
			.build();
	}

}
