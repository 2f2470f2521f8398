package io.harmonylite.nats;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.DeadLetterSink;
import io.harmonylite.apply.DeadLetterStore;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.nats.embedded.EmbeddedNatsServer;
import io.harmonylite.nats.embedded.EmbeddedServerState;
import io.harmonylite.nats.embedded.EmbeddedServerSupervisor;
import io.harmonylite.replicate.ChangeSink;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaRegistryException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ClusterInfo;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's view of JetStream: the shard streams, the sinks the publisher and apply loop write to, and the sources
 * that read the shards. It owns the connection and, when embedded, the server process and its supervisor; whoever
 * starts a source stops it before this node closes. JetStream calls that fail transiently are retried (see
 * {@link JetStreamRetry}).
 *
 * @since 0.1.0
 */
public final class NatsNode implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NatsNode.class);

	/** How long a graceful stop tries to delete this node's schema registry key. */
	private static final Duration DEREGISTER_DEADLINE = Duration.ofSeconds(2);

	private final Connection connection;

	private final @Nullable NatsConnector connector;

	/** What nats-server logs when a route comes from a server with its own name. */
	private static final String DUPLICATE_NAME = "Duplicate Server Name";

	private final @Nullable EmbeddedServerSupervisor embeddedServer;

	private final ReplicationConfig config;

	/** The least free space in the embedded server's store for it to run JetStream. */
	static final long STORE_ROOM = 32L << 20;

	private final long nodeId;

	private final JetStream jetStream;

	private final JetStreamManagement management;

	private final JetStreamRetry startupRetry;

	private final StreamReplicaGuard replicaGuard;

	private final LaggingReplicas laggingReplicas = new LaggingReplicas();

	private final DurabilityCheck durability;

	/**
	 * How long stream creation may wait for a clustered embedded server's JetStream before the server is restarted
	 * once (see {@link EmbeddedServerSupervisor#rejoin(String)}).
	 */
	private static final Duration REJOIN_AFTER = Duration.ofSeconds(20);

	/** Watches a clustered embedded server's JetStream; {@code null} otherwise. */
	private final @Nullable JetStreamWatchdog watchdog;

	/** Runs the watchdog; {@code null} without one. */
	private final @Nullable ScheduledExecutorService watching;

	// Set once the node took part in the schema registry: only then does closing delete its key, so that a command run
	// on a stopped node never deletes the key of a node with the same id that runs elsewhere.
	private volatile boolean registering;

	/**
	 * Wraps an open connection.
	 * @param connection the connection, closed with this node
	 * @param connector the connector that made it, for its reconnect count, or {@code null}
	 * @param embeddedServer the supervisor of the embedded server to stop after the connection, or {@code null}
	 * @param config the replication settings, with the intended replicas resolved
	 * @param nodeId this node's id
	 * @param startupRetry how long startup calls retry while JetStream is unavailable
	 * @param sync the server's sync setting ({@code always} or an interval), {@code null} when unknown
	 * @param clustered whether the embedded server is clustered, and so watched by a {@link JetStreamWatchdog}
	 */
	NatsNode(Connection connection, @Nullable NatsConnector connector, @Nullable EmbeddedServerSupervisor embeddedServer,
			ReplicationConfig config, long nodeId, JetStreamRetry startupRetry, @Nullable String sync,
			boolean clustered) {
		this.connection = connection;
		this.connector = connector;
		this.embeddedServer = embeddedServer;
		this.config = config;
		this.nodeId = nodeId;
		this.startupRetry = startupRetry;
		try {
			this.jetStream = connection.jetStream();
			this.management = connection.jetStreamManagement();
		}
		catch (IOException ex) {
			throw new JetStreamNotReadyException("JetStream is not available on " + connection.getConnectedUrl()
					+ ": " + ex.getMessage() + ". Start nats-server with JetStream enabled (-js).", ex);
		}
		this.replicaGuard = new StreamReplicaGuard(this.management, config.replicas());
		this.durability = new DurabilityCheck(() -> connection.getServerInfo().getVersion(), sync, config.replicas(),
				this.replicaGuard::problems);
		this.watchdog = (embeddedServer != null && clustered)
				? new JetStreamWatchdog(nodeId, this::lookAtJetStream, embeddedServer::rejoin, Clock.systemUTC())
				: null;
		this.watching = (this.watchdog != null) ? watch(this.watchdog) : null;
	}

	private ScheduledExecutorService watch(JetStreamWatchdog watchdog) {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "harmonylite-jetstream-watchdog-" + this.nodeId);
			thread.setDaemon(true);
			return thread;
		});
		long interval = JetStreamWatchdog.INTERVAL.toMillis();
		executor.scheduleWithFixedDelay(watchdog, interval, interval, TimeUnit.MILLISECONDS);
		return executor;
	}

	/** One request for the account's JetStream information, which a leaderless clustered JetStream refuses. */
	private JetStreamWatchdog.Look lookAtJetStream() {
		if (!isConnected()) {
			return JetStreamWatchdog.Look.NO_ANSWER;
		}
		try {
			this.management.getAccountStatistics();
			return JetStreamWatchdog.Look.ANSWERS;
		}
		catch (JetStreamApiException ex) {
			return JetStreamRetry.isTransient(ex) ? JetStreamWatchdog.Look.UNAVAILABLE
					: JetStreamWatchdog.Look.ANSWERS;
		}
		catch (IOException | RuntimeException ex) {
			// Timed out, or the connection dropped meanwhile: a frozen or restarting server is not ours to restart.
			return JetStreamWatchdog.Look.NO_ANSWER;
		}
	}

	/**
	 * Connects to the configured servers, first starting (and supervising) the embedded server when no URLs are
	 * configured. Replicas left to their default become 3 when at least three servers are configured, 1 otherwise.
	 * Logs whether the server's acknowledgements are durable: a WARN for a server older than 2.10, a sync other than
	 * {@code always}, or a sync setting it cannot read.
	 * @param nats how to reach NATS
	 * @param replication the replication settings
	 * @param nodeId this node's id
	 * @param dbPath the database, next to which the embedded server keeps its store by default
	 * @return the connected node
	 * @throws NatsConnectionException if no server could be reached after the configured retries
	 */
	public static NatsNode open(NatsConfig nats, ReplicationConfig replication, long nodeId, Path dbPath) {
		ReplicationConfig resolved = replication.withReplicas(replication.replicasFor(nats.serverCount()));
		EmbeddedServerSupervisor server = null;
		List<String> urls = nats.urls();
		if (nats.isEmbedded()) {
			server = new EmbeddedServerSupervisor(new EmbeddedNatsServer(nats.embedded(), nodeId, dbPath), nodeId);
			server.start();
			urls = List.of(server.server().clientUrl());
		}
		try {
			NatsConnector connector = new NatsConnector(nats, nodeId);
			Connection connection = connector.connect(urls);
			String sync = (server != null) ? server.server().effectiveSync() : ServerSyncProbe.read(connection);
			NatsNode node = new NatsNode(connection, connector, server, resolved, nodeId,
					new JetStreamRetry(nats.startupTimeout(), startupCheck(nats)), sync,
					nats.embedded().clusterAddr() != null);
			node.durability.log(nodeId);
			return node;
		}
		catch (RuntimeException ex) {
			if (server != null) {
				server.close();
			}
			throw ex;
		}
	}

	private static String startupCheck(NatsConfig nats) {
		EmbeddedNatsConfig embedded = nats.embedded();
		String timeout = " Or raise harmonylite.nats.startup-timeout (" + nats.startupTimeout().toSeconds() + " s).";
		if (nats.isEmbedded() && embedded.clusterAddr() != null && embedded.clusterPeers().isEmpty()) {
			return "This node's embedded nats-server is the first of its cluster (no "
					+ "harmonylite.nats.embedded.cluster-peers): clustered JetStream starts once a second server "
					+ "joins. Start another node whose cluster-peers list nats://" + embedded.clusterAddr() + "."
					+ timeout;
		}
		return JetStreamRetry.CHECK_CLUSTER + timeout;
	}

	/**
	 * How many replicas the streams are meant to have, the default resolved from the servers configured.
	 * @return the replicas
	 */
	public int replicas() {
		return this.config.replicas();
	}

	/**
	 * How many times the connection was re-established.
	 * @return the reconnect count
	 */
	public long reconnects() {
		return (this.connector != null) ? this.connector.reconnectCount() : 0;
	}

	/**
	 * The last subject the NATS server refused this node's user.
	 * @return the denial, empty when none
	 */
	public Optional<PermissionDenial> lastPermissionDenial() {
		return (this.connector != null) ? this.connector.lastPermissionDenial() : Optional.empty();
	}

	/**
	 * Creates or reconciles the shard streams and the dead-letter stream.
	 */
	public void ensureStreams() {
		try {
			ensureStreamsOnce();
		}
		catch (RuntimeException ex) {
			if (notReady(ex) && refusedAsDuplicate()) {
				String name = EmbeddedNatsServer.serverName(this.nodeId);
				throw new ConfigException("harmonylite.node-id", "another server of the cluster is named " + name
						+ " too, so the cluster refuses this node's server (its log: \"" + DUPLICATE_NAME + "\"): another "
						+ "node runs with harmonylite.node-id=" + this.nodeId + " (a configuration copied from it?). Give "
						+ "this node its own id.");
			}
			throw ex;
		}
	}

	private void ensureStreamsOnce() {
		// A clustered JetStream answers "temporarily unavailable" until its peers have elected a leader, e.g. while
		// the other nodes of an embedded cluster are still starting: the manager retries until the startup timeout.
		// A server outside its cluster's JetStream can make placement fail instead ("no suitable peers", its requests
		// answered by the meta leader), which the watchdog does not see: it is restarted once after 20 s.
		JetStreamRetry retry = this.startupRetry.givingUpWhen(this::refusedAsDuplicate);
		if (this.watchdog != null && this.config.replicas() > 1) {
			try {
				new StreamManager(this.management, this.config, retry.withDeadline(REJOIN_AFTER)).ensureStreams();
				return;
			}
			catch (RuntimeException ex) {
				if (!notReady(ex) || refusedAsDuplicate()) {
					throw ex;
				}
				this.watchdog.restartNow("JetStream is not ready after " + REJOIN_AFTER.toSeconds() + " s ("
						+ ex.getMessage() + ")");
			}
		}
		new StreamManager(this.management, this.config, retry).ensureStreams();
	}

	/** Whether the cluster refuses the embedded server because another server has its name (another node's id). */
	private boolean refusedAsDuplicate() {
		return this.embeddedServer != null && this.embeddedServer.server().logMentions(DUPLICATE_NAME);
	}

	/**
	 * Whether every stream's replica on this node's embedded server is current, as its leader sees it now.
	 * @return {@code true} when each is (or there is no replica to judge), {@code false} when one is not or when the
	 * streams cannot be read
	 */
	public synchronized boolean replicasCurrent() {
		if (this.embeddedServer == null || this.config.replicas() <= 1) {
			return true;
		}
		String server = EmbeddedNatsServer.serverName(this.nodeId);
		try {
			for (String stream : this.management.getStreamNames()) {
				if (StuckReplica.notCurrent(server, this.management.getStreamInfo(stream).getClusterInfo()) != null) {
					return false;
				}
			}
			return true;
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * The streams whose replica on this node's embedded server is stuck (see {@link StuckReplica}), or stays behind
	 * although its leader hears from it (see {@link LaggingReplicas}); call from one task at a time.
	 * @param silence how long a replica's leader may go without hearing from it
	 * @return each stuck stream with what its leader sees; empty with an external or single server, or when
	 * JetStream does not answer (that is reported elsewhere)
	 */
	public synchronized List<String> stuckReplicas(Duration silence) {
		if (this.embeddedServer == null || this.config.replicas() <= 1) {
			return List.of();
		}
		String server = EmbeddedNatsServer.serverName(this.nodeId);
		List<String> stuck = new ArrayList<>();
		try {
			List<String> streams = this.management.getStreamNames();
			for (int shard = 0; shard < this.config.shards(); shard++) {
				if (!streams.contains(this.config.streamName(shard))) {
					// Created at startup, so the cluster has it: this server lost it (it restarted on a full store).
					stuck.add(this.config.streamName(shard) + " (unknown to this node's server, which lost its "
							+ "replica, e.g. when it started on a full store)");
				}
			}
			this.laggingReplicas.retain(streams);
			Duration uptime = embeddedServerUptime();
			for (String stream : streams) {
				ClusterInfo cluster = this.management.getStreamInfo(stream).getClusterInfo();
				String problem = StuckReplica.of(server, cluster, silence, uptime);
				if (problem == null) {
					problem = this.laggingReplicas.of(stream, server, cluster, Instant.now());
				}
				if (problem != null) {
					stuck.add(stream + " (" + problem + ")");
				}
			}
		}
		catch (IOException | JetStreamApiException ex) {
			logger.debug("Node {}: could not read the streams' replicas: {}", this.nodeId, ex.getMessage());
			return List.of();
		}
		return stuck;
	}

	/**
	 * Whether the embedded server's store is (nearly) full: JetStream disables itself then, and a restarted server
	 * cannot recreate its streams, so restarting it does no good until there is room.
	 * @return {@code true} when less than {@link #STORE_ROOM} is free (a quarter of a smaller volume); {@code false}
	 * with an external server
	 */
	public boolean embeddedStoreFull() {
		if (this.embeddedServer == null) {
			return false;
		}
		try {
			FileStore store = Files.getFileStore(this.embeddedServer.server().storeDir());
			return storeFull(store.getUsableSpace(), store.getTotalSpace());
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Whether a store with so much room is full: less than {@link #STORE_ROOM} free, or on a volume smaller than four
	 * times that, less than a quarter of it (a small volume could never have the room).
	 * @param usable the bytes free
	 * @param total the volume's size
	 * @return {@code true} when full
	 */
	static boolean storeFull(long usable, long total) {
		return usable < Math.min(STORE_ROOM, total / 4);
	}

	/**
	 * The process id of the embedded server, which changes at each of its restarts.
	 * @return the pid; empty with an external server, or while the embedded one does not run
	 */
	public OptionalLong embeddedServerPid() {
		return (this.embeddedServer != null) ? this.embeddedServer.server().startedPid() : OptionalLong.empty();
	}

	/**
	 * The embedded server's store directory.
	 * @return the directory, {@code null} with an external server
	 */
	public @Nullable Path embeddedStoreDir() {
		return (this.embeddedServer != null) ? this.embeddedServer.server().storeDir() : null;
	}

	/**
	 * The free space of the embedded server's store, for messages about its JetStream.
	 * @return e.g. {@code 12 MB free in /data/app.db-nats}; empty with an external server
	 */
	public String embeddedStoreSpace() {
		if (this.embeddedServer == null) {
			return "";
		}
		Path store = this.embeddedServer.server().storeDir();
		try {
			return (Files.getFileStore(store).getUsableSpace() >> 20) + " MB free in " + store;
		}
		catch (IOException ex) {
			return "free space of " + store + " unknown: " + ex.getMessage();
		}
	}

	/**
	 * Restarts the embedded server on purpose (see {@link EmbeddedServerSupervisor#rejoin(String)}); does nothing with
	 * an external server.
	 * @param reason why, for the log
	 */
	public void restartEmbeddedServer(String reason) {
		if (this.embeddedServer != null) {
			this.embeddedServer.rejoin(reason);
			synchronized (this) {
				// A replica's lag is measured afresh after the restart, not against what the old server showed.
				this.laggingReplicas.retain(List.of());
			}
		}
	}

	/** How long the embedded server's process has run, {@code null} when not known. */
	private @Nullable Duration embeddedServerUptime() {
		if (this.embeddedServer == null) {
			return null;
		}
		OptionalLong pid = embeddedServerPid();
		if (pid.isEmpty()) {
			return null;
		}
		return ProcessHandle.of(pid.getAsLong())
			.flatMap((process) -> process.info().startInstant())
			.map((start) -> Duration.between(start, Instant.now()))
			.orElse(null);
	}

	private static boolean notReady(RuntimeException ex) {
		return ex instanceof JetStreamNotReadyException
				|| (ex.getCause() instanceof JetStreamApiException api && JetStreamRetry.isTransient(api));
	}

	/**
	 * How JetStream calls are retried at startup, for whoever makes them (e.g. a shard source starting its consumer).
	 * @return the retry, with the startup timeout as its deadline
	 */
	public JetStreamRetry startupRetry() {
		return this.startupRetry;
	}

	/**
	 * The sink the publisher sends to.
	 * @return the sink
	 */
	public ChangeSink changeSink() {
		return new JetStreamChangeSink(this.connection, this.jetStream, this.config, this.replicaGuard);
	}

	/**
	 * The sink rejected messages go to.
	 * @return the sink
	 */
	public DeadLetterSink deadLetterSink() {
		return new JetStreamDeadLetterSink(this.connection, this.jetStream, StreamManager.deadLetterSubject(this.config), this.nodeId);
	}

	/**
	 * Reads the dead-letter stream back, and omitted payloads from the shard streams.
	 * @return the reader
	 */
	public DeadLetterStore deadLetters() {
		Map<String, ShardSubscriber> shards = new HashMap<>();
		for (int shard = 0; shard < this.config.shards(); shard++) {
			ShardSubscriber subscriber = new ShardSubscriber(this.jetStream, this.management, this.config, shard,
					this.nodeId);
			shards.put(subscriber.stream(), subscriber);
		}
		return new JetStreamDeadLetters(this.management, StreamManager.deadLetterStream(this.config), shards);
	}

	/**
	 * The source of one shard stream, not yet started; its JetStream calls retry until the startup timeout.
	 * @param shard the shard
	 * @return the source
	 */
	public ShardSource shardSource(int shard) {
		return new ShardSubscriber(this.jetStream, this.management, this.config, shard, this.nodeId,
				this.startupRetry);
	}

	/**
	 * A source of one shard stream for reading its state in a single attempt (one request, at most the client's
	 * request timeout), e.g. for a status refreshed in the background that must notice at once when JetStream stops
	 * answering; a stream without a leader (no quorum reachable) counts as not answering.
	 * @param shard the shard
	 * @return the source, never started
	 */
	public ShardSource streamProbe(int shard) {
		return new ShardSubscriber(this.jetStream, this.management, this.config, shard, this.nodeId,
				// Not the startup's retry: its advice (the startup timeout, the first server of a cluster) does not
				// apply to a running node.
				new JetStreamRetry(Duration.ZERO, JetStreamRetry.CHECK_CLUSTER), true);
	}

	/**
	 * Reads one message of a shard stream as it is stored, e.g. the next one a stopped node would apply.
	 * @param shard the shard
	 * @param sequence the message's sequence
	 * @return the message (a chunk keeps its header), {@code null} when the stream does not hold it
	 * @throws io.harmonylite.HarmonyLiteException if the stream cannot be read
	 */
	public @Nullable ReceivedMessage shardMessage(int shard, long sequence) {
		return new ShardSubscriber(this.jetStream, this.management, this.config, shard, this.nodeId).read(sequence);
	}

	/**
	 * The server the connection is attached to.
	 * @return its URL, or {@code null} while disconnected
	 */
	public @Nullable String connectedUrl() {
		return this.connection.getConnectedUrl();
	}

	/**
	 * The schema registry over this node's connection, for a node that publishes its state there: from then on,
	 * {@link #close()} deletes this node's key.
	 * @return the registry
	 */
	public KvSchemaRegistry schemaRegistry() {
		this.registering = true;
		return new KvSchemaRegistry(this.connection, this.config.replicas());
	}

	/**
	 * The state this node id has in the schema registry, read without taking part in it: present while a node with
	 * this id runs (and for up to the key's TTL after one was killed), for a command that must not run beside it.
	 * @return the state, empty when no node with this id is registered
	 * @throws io.harmonylite.schema.SchemaRegistryException if the registry cannot be read
	 */
	public Optional<NodeSchemaState> registeredState() {
		return new KvSchemaRegistry(this.connection, this.config.replicas()).nodes()
			.stream()
			.filter((state) -> state.nodeId() == this.nodeId)
			.findFirst();
	}

	/**
	 * Whether the server's acknowledgements survive a power loss, and why not.
	 * @return the current judgement
	 */
	public DurabilityStatus durability() {
		return this.durability.status();
	}

	/**
	 * The state of the embedded server.
	 * @return its state, or {@code null} with external servers
	 */
	public @Nullable EmbeddedServerState embeddedServerState() {
		return (this.embeddedServer != null) ? this.embeddedServer.state() : null;
	}

	/**
	 * The snapshot store in a JetStream object store bucket over this node's connection, with the streams' replicas.
	 * @param bucket the bucket name
	 * @return the store; the bucket is created on first use
	 */
	public ObjectStoreSnapshotStore snapshotStore(String bucket) {
		return new ObjectStoreSnapshotStore(this.connection, bucket, this.config.replicas());
	}

	/**
	 * The snapshot lease of this node's cluster, in the KV bucket {@value KvSnapshotLease#BUCKET} under the key of the
	 * cluster's streams (their prefix), with the streams' replicas.
	 * @param ttl how long the lease outlives its holder's last renewal
	 * @return the lease
	 */
	public KvSnapshotLease snapshotLease(Duration ttl) {
		return new KvSnapshotLease(this.connection, KvSnapshotLease.BUCKET, this.config.streamPrefix(), ttl,
				this.config.replicas(), this.nodeId);
	}

	/**
	 * The presence of this node, scoped by its cluster's stream prefix, with the streams' replicas.
	 * @param self who this node is
	 * @return the presence; close it before the connection
	 */
	public NodePresence nodePresence(NodePresence.Identity self) {
		return new NodePresence(this.connection, this.config.streamPrefix(), this.nodeId, self, this.config.replicas());
	}

	/**
	 * Reconnects to another of the servers the client knows (configured or discovered from the cluster), when the
	 * node uses external servers: the embedded server is the node's own, which its watchdog heals instead.
	 * @param reason why, for the log
	 */
	public void reconnectElsewhere(String reason) {
		if (this.embeddedServer != null || this.connection.getServers().size() < 2) {
			return;
		}
		logger.warn("Node {}: {}; reconnecting to another of the servers {} (connected to {})", this.nodeId, reason,
				this.connection.getServers(), this.connection.getConnectedUrl());
		try {
			this.connection.forceReconnect();
		}
		catch (IOException ex) {
			logger.warn("Node {}: could not reconnect to another server: {}", this.nodeId, ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Whether the connection is currently up.
	 * @return {@code true} when connected
	 */
	public boolean isConnected() {
		return this.connection.getStatus() == Connection.Status.CONNECTED;
	}

	/**
	 * Deletes this node's schema registry key (when it took part in the registry), closes the connection, then stops the embedded server.
	 */
	@Override
	public synchronized void close() {
		if (this.watching != null) {
			this.watching.shutdownNow();
		}
		deregister();
		try {
			this.connection.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.embeddedServer != null) {
			try {
				this.embeddedServer.close();
			}
			catch (RuntimeException ex) {
				throw new HarmonyLiteException("Could not stop the embedded nats-server: " + ex.getMessage(), ex);
			}
		}
	}

	private void deregister() {
		if (!this.registering || !isConnected()) {
			return;
		}
		try {
			new KvSchemaRegistry(this.connection, this.config.replicas()).remove(this.nodeId, DEREGISTER_DEADLINE);
		}
		catch (SchemaRegistryException ex) {
			logger.warn("Node {}: {}", this.nodeId, ex.getMessage());
		}
	}

}
