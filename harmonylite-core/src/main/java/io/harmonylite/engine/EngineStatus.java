package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a node, the single source for the Actuator endpoint, the health indicator and the metrics.
 *
 * @param nodeId this node's id
 * @param version the HarmonyLite version
 * @param state the overall state
 * @param publish whether local changes are sent
 * @param replicate whether the cluster's changes are applied
 * @param nats the NATS connection
 * @param shards one entry per shard stream
 * @param pendingChanges captured changes not yet acknowledged by JetStream
 * @param failedChanges captured changes that can never be published (e.g. too large)
 * @param watchedTables the tables whose changes are captured
 * @param schema the local schema state
 * @param workers the node's worker threads and how they fare
 * @param counters what the node counted since the engine was created, across restarts
 * @param snapshots the snapshots as this node sees them; {@code null} when snapshots are disabled or the node is
 * stopped
 * @param recentFailedChanges the changes this node marked failed most recently since it started (at most ten), with
 * table, key and reason; {@code failedChanges} counts also those of earlier runs
 * @param problems what is wrong with the node now, worst first; empty when nothing is
 * @since 0.1.0
 */
public record EngineStatus(long nodeId, String version, NodeState state, boolean publish, boolean replicate,
		Nats nats, List<Shard> shards, long pendingChanges, long failedChanges, List<String> watchedTables,
		@Nullable Schema schema, List<Worker> workers, Counters counters, @Nullable Snapshots snapshots,
		List<FailedChange> recentFailedChanges, List<Problem> problems) {

	public EngineStatus {
		shards = List.copyOf(shards);
		watchedTables = List.copyOf(watchedTables);
		workers = List.copyOf(workers);
		recentFailedChanges = List.copyOf(recentFailedChanges);
		problems = List.copyOf(problems);
	}

	/**
	 * A status without problems.
	 * @param nodeId this node's id
	 * @param version the HarmonyLite version
	 * @param state the overall state
	 * @param publish whether local changes are sent
	 * @param replicate whether the cluster's changes are applied
	 * @param nats the NATS connection
	 * @param shards one entry per shard stream
	 * @param pendingChanges captured changes not yet acknowledged by JetStream
	 * @param failedChanges captured changes that can never be published
	 * @param watchedTables the tables whose changes are captured
	 * @param schema the local schema state
	 * @param workers the node's worker threads
	 * @param counters what the node counted since the engine was created
	 * @param snapshots the snapshots as this node sees them, {@code null} when disabled
	 * @param recentFailedChanges the changes this node marked failed most recently
	 */
	public EngineStatus(long nodeId, String version, NodeState state, boolean publish, boolean replicate, Nats nats,
			List<Shard> shards, long pendingChanges, long failedChanges, List<String> watchedTables,
			@Nullable Schema schema, List<Worker> workers, Counters counters, @Nullable Snapshots snapshots,
			List<FailedChange> recentFailedChanges) {
		this(nodeId, version, state, publish, replicate, nats, shards, pendingChanges, failedChanges, watchedTables,
				schema, workers, counters, snapshots, recentFailedChanges, List.of());
	}

	/**
	 * A status without details of failed changes.
	 * @param nodeId this node's id
	 * @param version the HarmonyLite version
	 * @param state the overall state
	 * @param publish whether local changes are sent
	 * @param replicate whether the cluster's changes are applied
	 * @param nats the NATS connection
	 * @param shards one entry per shard stream
	 * @param pendingChanges captured changes not yet acknowledged by JetStream
	 * @param failedChanges captured changes that can never be published
	 * @param watchedTables the tables whose changes are captured
	 * @param schema the local schema state
	 * @param workers the node's worker threads
	 * @param counters what the node counted since the engine was created
	 * @param snapshots the snapshots as this node sees them, {@code null} when disabled
	 */
	public EngineStatus(long nodeId, String version, NodeState state, boolean publish, boolean replicate, Nats nats,
			List<Shard> shards, long pendingChanges, long failedChanges, List<String> watchedTables,
			@Nullable Schema schema, List<Worker> workers, Counters counters, @Nullable Snapshots snapshots) {
		this(nodeId, version, state, publish, replicate, nats, shards, pendingChanges, failedChanges, watchedTables,
				schema, workers, counters, snapshots, List.of());
	}

	/**
	 * A status without snapshots.
	 * @param nodeId this node's id
	 * @param version the HarmonyLite version
	 * @param state the overall state
	 * @param publish whether local changes are sent
	 * @param replicate whether the cluster's changes are applied
	 * @param nats the NATS connection
	 * @param shards one entry per shard stream
	 * @param pendingChanges captured changes not yet acknowledged by JetStream
	 * @param failedChanges captured changes that can never be published
	 * @param watchedTables the tables whose changes are captured
	 * @param schema the local schema state
	 * @param workers the node's worker threads
	 * @param counters what the node counted since the engine was created
	 */
	public EngineStatus(long nodeId, String version, NodeState state, boolean publish, boolean replicate, Nats nats,
			List<Shard> shards, long pendingChanges, long failedChanges, List<String> watchedTables,
			@Nullable Schema schema, List<Worker> workers, Counters counters) {
		this(nodeId, version, state, publish, replicate, nats, shards, pendingChanges, failedChanges, watchedTables,
				schema, workers, counters, null, List.of());
	}

	/**
	 * The problems of one kind.
	 * @param kind the kind
	 * @return those problems, worst first
	 */
	public List<Problem> problems(ProblemKind kind) {
		return this.problems.stream().filter((problem) -> problem.kind() == kind).toList();
	}

	/**
	 * Whether the engine is started.
	 * @return {@code false} only when {@link NodeState#STOPPED}
	 */
	public boolean running() {
		return this.state != NodeState.STOPPED;
	}

	/**
	 * The NATS connection, and whether its acknowledgements are durable.
	 *
	 * @param embedded whether the node runs its own nats-server
	 * @param servers the server URLs
	 * @param connected whether the connection is up
	 * @param reconnects how many times it was re-established
	 * @param embeddedServer the embedded nats-server's state ({@code RUNNING}, {@code DOWN} while it is being
	 * restarted, {@code STOPPED}); {@code null} with external servers
	 * @param serverVersion the connected server's version; {@code null} when unknown
	 * @param sync the server's JetStream sync setting ({@code always} or an interval); {@code null} when unknown
	 * @param replicas the replicas every shard stream and the schema registry are meant to have
	 * @param durableAcks whether an acknowledged change survives a power loss: server 2.10 or newer, sync
	 * {@code always}, streams with the intended replicas; {@code null} when the sync setting is unknown
	 * @param durabilityWarning why acknowledgements are not (known to be) durable; {@code null} when they are
	 */
	public record Nats(boolean embedded, List<String> servers, boolean connected, long reconnects,
			@Nullable String embeddedServer, @Nullable String serverVersion, @Nullable String sync, int replicas,
			@Nullable Boolean durableAcks, @Nullable String durabilityWarning) {

		public Nats {
			servers = List.copyOf(servers);
		}

		/**
		 * A connection whose durability is unknown, e.g. of a stopped node.
		 * @param embedded whether the node runs its own nats-server
		 * @param servers the server URLs
		 * @param connected whether the connection is up
		 * @param reconnects how many times it was re-established
		 */
		public Nats(boolean embedded, List<String> servers, boolean connected, long reconnects) {
			this(embedded, servers, connected, reconnects, null, null, null, 0, null, null);
		}

	}

	/**
	 * One shard stream as this node sees it.
	 *
	 * @param shard the shard number
	 * @param stream the stream name
	 * @param appliedSequence the last sequence applied (or dead-lettered) here
	 * @param streamLastSequence the stream's last sequence, -1 when unknown (e.g. disconnected)
	 * @param lag messages in the stream not yet applied here, -1 when unknown
	 * @param paused whether the shard is paused by a schema mismatch
	 * @param pausedBy the schema hash of the change that paused it
	 * @param pausedSince when it was paused
	 * @param gap a description of messages the stream dropped before this node applied them
	 * @param deadLettered messages of this shard dead-lettered by this node since the engine was created
	 * @param pausedManuallySince when an operator paused the shard, {@code null} when not paused manually
	 * @param streamReadAt when the stream's state ({@code streamLastSequence}) was read, in the background;
	 * {@code null} when it never was
	 */
	public record Shard(int shard, String stream, long appliedSequence, long streamLastSequence, long lag,
			boolean paused, @Nullable String pausedBy, @Nullable Instant pausedSince, @Nullable String gap,
			long deadLettered, @Nullable Instant pausedManuallySince, @Nullable Instant streamReadAt) {

		/**
		 * A shard whose stream state was read just now.
		 * @param shard the shard number
		 * @param stream the stream name
		 * @param appliedSequence the last sequence applied (or dead-lettered) here
		 * @param streamLastSequence the stream's last sequence, -1 when unknown
		 * @param lag messages in the stream not yet applied here, -1 when unknown
		 * @param paused whether the shard is paused by a schema mismatch
		 * @param pausedBy the schema hash of the change that paused it
		 * @param pausedSince when it was paused
		 * @param gap a description of messages the stream dropped before this node applied them
		 * @param deadLettered messages of this shard dead-lettered by this node since the engine was created
		 * @param pausedManuallySince when an operator paused the shard, {@code null} when not paused manually
		 */
		public Shard(int shard, String stream, long appliedSequence, long streamLastSequence, long lag,
				boolean paused, @Nullable String pausedBy, @Nullable Instant pausedSince, @Nullable String gap,
				long deadLettered, @Nullable Instant pausedManuallySince) {
			this(shard, stream, appliedSequence, streamLastSequence, lag, paused, pausedBy, pausedSince, gap,
					deadLettered, pausedManuallySince, null);
		}

		/**
		 * Whether an operator paused the shard.
		 * @return {@code true} until the shard is resumed
		 */
		public boolean pausedManually() {
			return this.pausedManuallySince != null;
		}

	}

	/**
	 * A local change that can never be published and was marked failed in the change log, so the other nodes miss it.
	 *
	 * @param changeId its id in the change log ({@code __harmonylite__change_log}, state 2)
	 * @param table its table
	 * @param key its primary-key values
	 * @param reason why it cannot be published, with the fix
	 */
	public record FailedChange(long changeId, String table, String key, String reason) {
	}

	/**
	 * The local schema state.
	 *
	 * @param hash the current schema hash
	 * @param previousHash the previous schema hash
	 * @param updatedAt when the hash last changed
	 * @param pauses how many times a shard was paused by a mismatch since the engine was created
	 * @param resumes how many times a paused shard resumed since the engine was created
	 */
	public record Schema(String hash, @Nullable String previousHash, Instant updatedAt, long pauses, long resumes) {
	}

	/**
	 * One of the node's long-lived worker threads (apply, publisher, change notifier, maintenance).
	 *
	 * @param name the worker's name, e.g. {@code apply}
	 * @param state whether it runs
	 * @param restarts how many times it was restarted after it died
	 * @param failure why it last died, {@code null} when it never did
	 * @param failedAt when it last died
	 */
	public record Worker(String name, WorkerState state, long restarts, @Nullable String failure,
			@Nullable Instant failedAt) {
	}

	/**
	 * Whether a worker runs.
	 */
	public enum WorkerState {

		/** The worker runs. */
		RUNNING,

		/** The worker died and is restarted after a backoff. */
		RESTARTING,

		/** The worker is stopped with the node. */
		STOPPED

	}

	/**
	 * What the node counted since the engine was created; the counts never decrease, also when the engine is stopped
	 * and started again, so meters read them as counters.
	 *
	 * @param appliedByTable changes applied on this node, its own included, by table
	 * @param publishedByTable local changes acknowledged by JetStream, by table
	 * @param publishFailures publish attempts that failed and were retried
	 * @param publishRejected local changes that can never be published (e.g. too large)
	 * @param deadLetters messages this node moved to the dead-letter stream
	 * @param natsReconnects times the connection to NATS was re-established
	 * @param schemaPauses times a shard was paused by a schema mismatch
	 * @param schemaResumes times a paused shard resumed
	 * @param workerRestarts times a dead worker was restarted
	 * @param eventsDropped replicated-change events dropped because the listeners did not keep up
	 * @param snapshotsTaken snapshots this node took and stored
	 * @param snapshotRestores snapshots restored into this node's database
	 * @param superseded received changes that lost on every column to what the node had (older changes, and the
	 * node's own changes coming back from the stream), so nothing was written
	 * @param aheadOfClock received changes whose version was more than {@code max-clock-skew} ahead of this node's
	 * clock (applied; a machine's clock is wrong)
	 * @param clampedLocalVersions local changes whose version was bounded to this node's clock plus
	 * {@code max-clock-skew} (a process writing the database has a clock too far ahead)
	 * @param quarantinedUnknownHash messages quarantined (dead-lettered, also counted in {@code deadLetters}) because
	 * no node of the cluster ever reported their schema hash
	 */
	public record Counters(Map<String, Long> appliedByTable, Map<String, Long> publishedByTable, long publishFailures,
			long publishRejected, long deadLetters, long natsReconnects, long schemaPauses, long schemaResumes,
			long workerRestarts, long eventsDropped, long snapshotsTaken, long snapshotRestores, long superseded,
			long aheadOfClock, long clampedLocalVersions, long quarantinedUnknownHash) {

		/** Nothing counted yet. */
		public static final Counters NONE = new Counters(Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				0);

		public Counters {
			appliedByTable = Collections.unmodifiableMap(new TreeMap<>(appliedByTable));
			publishedByTable = Collections.unmodifiableMap(new TreeMap<>(publishedByTable));
		}

		/**
		 * Counts without quarantined messages.
		 * @param appliedByTable changes applied on this node, by table
		 * @param publishedByTable local changes acknowledged by JetStream, by table
		 * @param publishFailures publish attempts that failed and were retried
		 * @param publishRejected local changes that can never be published
		 * @param deadLetters messages this node moved to the dead-letter stream
		 * @param natsReconnects times the connection to NATS was re-established
		 * @param schemaPauses times a shard was paused by a schema mismatch
		 * @param schemaResumes times a paused shard resumed
		 * @param workerRestarts times a dead worker was restarted
		 * @param eventsDropped replicated-change events dropped because the listeners did not keep up
		 * @param snapshotsTaken snapshots this node took and stored
		 * @param snapshotRestores snapshots restored into this node's database
		 * @param superseded received changes that lost on every column to what the node had
		 * @param aheadOfClock received changes whose version was too far ahead of this node's clock
		 * @param clampedLocalVersions local changes whose version was bounded to this node's clock
		 */
		public Counters(Map<String, Long> appliedByTable, Map<String, Long> publishedByTable, long publishFailures,
				long publishRejected, long deadLetters, long natsReconnects, long schemaPauses, long schemaResumes,
				long workerRestarts, long eventsDropped, long snapshotsTaken, long snapshotRestores, long superseded,
				long aheadOfClock, long clampedLocalVersions) {
			this(appliedByTable, publishedByTable, publishFailures, publishRejected, deadLetters, natsReconnects,
					schemaPauses, schemaResumes, workerRestarts, eventsDropped, snapshotsTaken, snapshotRestores,
					superseded, aheadOfClock, clampedLocalVersions, 0);
		}

		/**
		 * Counts without snapshots and conflicts.
		 * @param appliedByTable changes applied on this node, by table
		 * @param publishedByTable local changes acknowledged by JetStream, by table
		 * @param publishFailures publish attempts that failed and were retried
		 * @param publishRejected local changes that can never be published
		 * @param deadLetters messages this node moved to the dead-letter stream
		 * @param natsReconnects times the connection to NATS was re-established
		 * @param schemaPauses times a shard was paused by a schema mismatch
		 * @param schemaResumes times a paused shard resumed
		 * @param workerRestarts times a dead worker was restarted
		 * @param eventsDropped replicated-change events dropped because the listeners did not keep up
		 */
		public Counters(Map<String, Long> appliedByTable, Map<String, Long> publishedByTable, long publishFailures,
				long publishRejected, long deadLetters, long natsReconnects, long schemaPauses, long schemaResumes,
				long workerRestarts, long eventsDropped) {
			this(appliedByTable, publishedByTable, publishFailures, publishRejected, deadLetters, natsReconnects,
					schemaPauses, schemaResumes, workerRestarts, eventsDropped, 0, 0, 0, 0, 0, 0);
		}

	}

	/**
	 * Something wrong with the node now: what it concerns, how bad it is, and what to do.
	 *
	 * @param kind what kind of problem
	 * @param severity how bad: {@code DEGRADED} while replication goes on in part, {@code DOWN} when action is needed
	 * or the node replicates nothing
	 * @param subject what it concerns, e.g. {@code shard 0}, {@code table covers}, {@code server nats://...},
	 * {@code worker apply}
	 * @param reason what is wrong and what to do
	 * @param since when it began, {@code null} when unknown
	 */
	public record Problem(ProblemKind kind, Severity severity, String subject, String reason,
			@Nullable Instant since) {

		/**
		 * The problem in one line, for logs and health descriptions.
		 * @return {@code subject: reason}
		 */
		public String describe() {
			return this.subject + ": " + this.reason;
		}

	}

	/**
	 * The kinds of {@link Problem}: each has its meter ({@code harmonylite.problems} tagged with the kind).
	 */
	public enum ProblemKind {

		/** The node's NATS connection is down, or JetStream has stopped answering (no quorum reachable). */
		NATS_UNREACHABLE,

		/** The node's embedded nats-server died and is being restarted. */
		SERVER_DOWN,

		/** The NATS server refused this node's user a subject lately (a permission the user lacks). */
		NATS_PERMISSION_DENIED,

		/** Captured changes have waited longer than the threshold for JetStream's acknowledgement. */
		CHANGES_UNACKNOWLEDGED,

		/** Captured changes were marked failed: they can never be published. */
		CHANGES_FAILED,

		/**
		 * Changes from other nodes were dead-lettered here (SQLite refused them, they did not fit this node's schema,
		 * or an operator skipped them): this node lacks them until they are re-applied, or the loss is accepted.
		 */
		CHANGES_DEAD_LETTERED,

		/** A worker thread died and waits for its restart. */
		WORKER_DEAD,

		/** A stream dropped messages this node still needs. */
		STREAM_GAP,

		/** A shard's stream holds changes this node does not receive; its consumer is restarted. */
		SHARD_STALLED,

		/** The change at the head of a shard has failed to apply for longer than a threshold, and is retried. */
		SHARD_HEAD_FAILING,

		/**
		 * A schema change left a table that should be watched out of capture (no primary key, or a configured table
		 * gone); every other table is captured.
		 */
		TABLES_NOT_CAPTURED,

		/** A periodic maintenance task (schema check, cleanup, ...) has failed on every run for a minute. */
		MAINTENANCE_FAILING,

		/** Another node runs with this node's id (its changes come from another database). */
		DUPLICATE_NODE_ID,

		/** The database file was deleted or replaced while the node runs, which still uses the file it opened. */
		DATABASE_REPLACED,

		/** Running nodes of the cluster replicate another number of shards than this one. */
		CLUSTER_CONFIG_MISMATCH,

		/**
		 * A stream replica on this node's embedded nats-server does not catch up (its server disabled JetStream on a
		 * full store, or was left behind after a freeze): the cluster keeps one copy fewer; the server is restarted.
		 */
		REPLICA_STUCK,

		/**
		 * The store directory of this node's embedded nats-server was removed while the server runs: it goes on with
		 * files nobody sees, and starts empty at its next restart.
		 */
		STORE_REMOVED,

		/**
		 * This node's local changes carry versions more than a day ahead of the time: the other nodes refuse them.
		 */
		CLOCK_FAR_AHEAD,

		/**
		 * This node applied a version more than the maximum clock skew ahead of its clock: until the time catches up,
		 * concurrent writes are ordered by the versions' counter and node id rather than by time.
		 */
		CLOCK_AHEAD,

		/**
		 * The scheduled snapshots of this node, the snapshot lease holder, have failed for a minute: nodes that join or
		 * reach a stream gap restore no newer snapshot meanwhile.
		 */
		SNAPSHOTS_FAILING,

		/**
		 * JetStream answers but has no stream of a shard (its servers lost their data, or it was deleted): nothing of
		 * that shard is sent or received until the nodes create it again at their restart.
		 */
		STREAM_MISSING

	}

	/**
	 * How bad a {@link Problem} is; health maps it to its status of the same name.
	 */
	public enum Severity {

		/** Replication goes on in part, or will by itself; local writes are captured. */
		DEGRADED,

		/** Action is needed, or nothing replicates until the node heals itself. */
		DOWN

	}

	/**
	 * Snapshots as this node sees them.
	 *
	 * @param store where they are kept, e.g. {@code NATS object store bucket harmonylite-snapshots}
	 * @param leader whether this node holds the snapshot lease, so takes the scheduled snapshots
	 * @param newest the newest snapshot in the store, {@code null} when there is none (or the store was not read yet)
	 * @param stale whether the newest snapshot is older than {@code staleAfter}, or none was taken that long after
	 * the node started
	 * @param staleAfter the age at which the newest snapshot is reported as stale; {@code null} for never
	 * @param lastTaken the last snapshot this node took, {@code null} when none since the engine was created
	 * @param lastTakeDuration how long taking and storing it took
	 * @param lastRestore the last snapshot restored into this node's database since the engine was created
	 * @param restoring the snapshot being restored now, {@code null} when none
	 * @param waiting why this node waits for a snapshot (it needs one and none fits), {@code null} when it does not
	 */
	public record Snapshots(String store, boolean leader, @Nullable Snapshot newest, boolean stale,
			@Nullable Duration staleAfter, @Nullable Snapshot lastTaken, @Nullable Duration lastTakeDuration,
			@Nullable Restore lastRestore, @Nullable String restoring, @Nullable String waiting) {
	}

	/**
	 * One snapshot, as its metadata describes it.
	 *
	 * @param id the snapshot id
	 * @param nodeId the node that took it
	 * @param createdAt when it was taken
	 * @param size its compressed size in bytes
	 * @param databaseSize the size of its database in bytes
	 * @param rows the rows in it, every table together
	 */
	public record Snapshot(String id, long nodeId, Instant createdAt, long size, long databaseSize, long rows) {
	}

	/**
	 * A restore of a snapshot into this node's database.
	 *
	 * @param snapshotId the snapshot restored
	 * @param at when the restore ended
	 * @param took how long it took, download included
	 * @param reason why it was restored, e.g. {@code a stream gap}
	 */
	public record Restore(String snapshotId, Instant at, Duration took, String reason) {
	}

}
