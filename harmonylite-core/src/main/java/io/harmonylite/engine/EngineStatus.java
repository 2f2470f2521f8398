package io.harmonylite.engine;

import java.time.Instant;
import java.util.List;

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
 * @param conflicts the conflict rule's counters since the node started
 * @since 0.1.0
 */
public record EngineStatus(long nodeId, String version, NodeState state, boolean publish, boolean replicate,
		Nats nats, List<Shard> shards, long pendingChanges, long failedChanges, List<String> watchedTables,
		@Nullable Schema schema, Conflicts conflicts) {

	public EngineStatus {
		shards = List.copyOf(shards);
		watchedTables = List.copyOf(watchedTables);
	}

	/**
	 * A status without conflict counters.
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
	 */
	public EngineStatus(long nodeId, String version, NodeState state, boolean publish, boolean replicate, Nats nats,
			List<Shard> shards, long pendingChanges, long failedChanges, List<String> watchedTables,
			@Nullable Schema schema) {
		this(nodeId, version, state, publish, replicate, nats, shards, pendingChanges, failedChanges, watchedTables,
				schema, Conflicts.NONE);
	}

	/**
	 * Whether the engine is started.
	 * @return {@code false} only when {@link NodeState#STOPPED}
	 */
	public boolean running() {
		return this.state != NodeState.STOPPED;
	}

	/**
	 * The NATS connection.
	 *
	 * @param embedded whether the node runs its own nats-server
	 * @param servers the server URLs
	 * @param connected whether the connection is up
	 * @param reconnects how many times it was re-established
	 */
	public record Nats(boolean embedded, List<String> servers, boolean connected, long reconnects) {

		public Nats {
			servers = List.copyOf(servers);
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
	 * @param deadLettered messages of this shard dead-lettered by this node since it started
	 */
	public record Shard(int shard, String stream, long appliedSequence, long streamLastSequence, long lag,
			boolean paused, @Nullable String pausedBy, @Nullable Instant pausedSince, @Nullable String gap,
			long deadLettered) {
	}

	/**
	 * The local schema state.
	 *
	 * @param hash the current schema hash
	 * @param previousHash the previous schema hash
	 * @param updatedAt when the hash last changed
	 * @param pauses how many times a shard was paused by a mismatch
	 * @param resumes how many times a paused shard resumed
	 */
	public record Schema(String hash, @Nullable String previousHash, Instant updatedAt, long pauses, long resumes) {
	}

	/**
	 * The conflict rule's counters since the node started.
	 *
	 * @param superseded received changes that lost on every column to what the node had (older changes, and the
	 * node's own changes coming back from the stream), so nothing was written
	 * @param aheadOfClock received changes whose version was more than {@code max-clock-skew} ahead of this node's
	 * clock (applied; a machine's clock is wrong)
	 * @param clampedLocalVersions local changes whose version was bounded to this node's clock plus
	 * {@code max-clock-skew} (a process writing the database has a clock too far ahead)
	 */
	public record Conflicts(long superseded, long aheadOfClock, long clampedLocalVersions) {

		/** No conflicts counted. */
		public static final Conflicts NONE = new Conflicts(0, 0, 0);

	}

}
