package io.harmonylite.engine;

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
 * @since 0.1.0
 */
public record EngineStatus(long nodeId, String version, NodeState state, boolean publish, boolean replicate,
		Nats nats, List<Shard> shards, long pendingChanges, long failedChanges, List<String> watchedTables,
		@Nullable Schema schema, List<Worker> workers, Counters counters) {

	public EngineStatus {
		shards = List.copyOf(shards);
		watchedTables = List.copyOf(watchedTables);
		workers = List.copyOf(workers);
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
	 */
	public record Counters(Map<String, Long> appliedByTable, Map<String, Long> publishedByTable, long publishFailures,
			long publishRejected, long deadLetters, long natsReconnects, long schemaPauses, long schemaResumes,
			long workerRestarts) {

		/** Nothing counted yet. */
		public static final Counters NONE = new Counters(Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, 0);

		public Counters {
			appliedByTable = Collections.unmodifiableMap(new TreeMap<>(appliedByTable));
			publishedByTable = Collections.unmodifiableMap(new TreeMap<>(publishedByTable));
		}

	}

}
