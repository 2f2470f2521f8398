package io.harmonylite.nats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether another running node uses this node's id, and what the others run with. A running node holds the key
 * {@code <scope>.node.<id>} of the JetStream key-value bucket {@value #BUCKET} with who it is (host, process, database)
 * and the settings every node must share (the number of shards, the subject prefix), renewed every few seconds;
 * the bucket's TTL removes the key of a node that stopped renewing. A starting node finds the key held by another
 * node, or a running node finds that another node wrote it since its last renewal (a revision above its own). The key
 * of this node's own previous run (same host and database file: two runs cannot share a file, see the node lock) is
 * taken over at once.
 * <p>
 * Every write is a plain put, never a revision-checked one (see {@link KeyRevisions}; seen after rolling restarts: the
 * restarted server's replica of this bucket fell further behind, and restarting it again did not help). So a clash of
 * two nodes that start with one id at the same moment is found at their next renewal, not by the claim.
 * JetStream, unlike core NATS interest, reaches every server of a cluster, also when two embedded servers with one
 * name cannot route to each other.
 *
 * @since 0.1.0
 */
public final class NodePresence implements AutoCloseable {

	/** The bucket. */
	public static final String BUCKET = "harmonylite-node-presence";

	/** How long the key of a node that stopped renewing stays. */
	public static final Duration TTL = Duration.ofSeconds(30);

	private static final Logger logger = LoggerFactory.getLogger(NodePresence.class);

	private static final JetStreamRetry CLAIM_RETRY = new JetStreamRetry(Duration.ofSeconds(10),
			JetStreamRetry.CHECK_CLUSTER);

	private final Connection connection;

	private final String scope;

	private final String key;

	private final Identity self;

	private final byte[] value;

	private final int replicas;

	// Guarded by this.
	private @Nullable KeyValue keyValue;

	// The revision this node last wrote; null when it does not hold the key. Guarded by this.
	private @Nullable Long revision;

	private final Clock clock;

	/** How far this node's clock was ahead of the servers' when it last renewed its key; null until it did. */
	private volatile @Nullable Duration aheadOfServers;

	/**
	 * Creates the presence of a node.
	 * @param connection an open NATS connection with JetStream
	 * @param scope what scopes one cluster in a shared NATS: its stream prefix
	 * @param nodeId this node's id
	 * @param self who this node is
	 * @param replicas how many servers keep the bucket, as for the streams; used when the bucket is created
	 */
	public NodePresence(Connection connection, String scope, long nodeId, Identity self, int replicas) {
		this(connection, scope, nodeId, self, replicas, Clock.systemUTC());
	}

	NodePresence(Connection connection, String scope, long nodeId, Identity self, int replicas, Clock clock) {
		this.clock = clock;
		this.connection = connection;
		this.scope = scope;
		this.key = scope + ".node." + nodeId;
		this.self = self;
		this.value = self.encode();
		this.replicas = replicas;
	}

	/**
	 * Takes the key at startup, unless another running node holds it.
	 * @return the other node holding it; empty when this node took it, or could not tell (NATS unreachable: logged)
	 */
	public synchronized Optional<Identity> claim() {
		try {
			// Right after a cluster's first start the bucket's stream may not answer yet ("no responders").
			return CLAIM_RETRY.call("claim key " + this.key + " of bucket " + BUCKET, () -> {
				KeyValue kv = keyValue();
				Identity holder = holder(kv.get(this.key));
				if (holder != null && !holder.sameNodeAs(this.self)) {
					return Optional.of(holder);
				}
				this.revision = kv.put(this.key, this.value);
				return Optional.<Identity>empty();
			});
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			logger.warn("Could not tell whether another node runs with this id (key {} of bucket {}): {}", this.key,
					BUCKET, ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * Renews the key, and finds another node that wrote it since the last renewal (it started where this node could
	 * not be seen, e.g. across a partition); the key is then taken back, so that the other node finds this one too.
	 * @return the other node; empty when none wrote the key, or NATS is unreachable
	 */
	public synchronized Optional<Identity> renew() {
		try {
			KeyValue kv = keyValue();
			KeyValueEntry entry = kv.get(this.key);
			Identity holder = KeyRevisions.writtenSince(entry, this.revision) ? holder(entry) : null;
			Instant before = this.clock.instant();
			this.revision = kv.put(this.key, this.value);
			measureServersClock(kv, before);
			return Optional.ofNullable(holder).filter((other) -> !other.instance().equals(this.self.instance()));
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			logger.debug("Could not renew key {} of bucket {}: {}", this.key, BUCKET, ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * How far this node's clock is ahead of its NATS servers' clock, from the time the server stored this node's key
	 * at its last renewal (a time the servers' clock gives, whatever this node's says).
	 * @return the time this node's clock is ahead (negative when behind, by at least the time the write took); empty
	 * until a renewal was measured
	 */
	public Optional<Duration> aheadOfServers() {
		return Optional.ofNullable(this.aheadOfServers);
	}

	private void measureServersClock(KeyValue kv, Instant before) throws IOException, JetStreamApiException {
		KeyValueEntry written = kv.get(this.key);
		if (written != null && this.revision != null && written.getRevision() == this.revision
				&& written.getCreated() != null) {
			this.aheadOfServers = Duration.between(written.getCreated().toInstant(), before);
		}
	}

	/**
	 * The other nodes that hold their ids now.
	 * @return by node id, the other nodes; empty when the bucket cannot be read (NATS unreachable, logged at debug),
	 * which tells nothing about the other nodes
	 */
	public synchronized Optional<Map<Long, Identity>> others() {
		try {
			return Optional.of(readOthers());
		}
		catch (IOException | JetStreamApiException | InterruptedException | RuntimeException ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Could not read the other nodes of bucket {}: {}", BUCKET, ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * The other running nodes, read at startup: retried for a while as the claim is, since a node that cannot tell
	 * the others' settings starts without comparing them (it compares them again while it runs).
	 * @return the other running nodes by id; empty when they could not be read (logged)
	 */
	public synchronized Optional<Map<Long, Identity>> othersAtStartup() {
		try {
			return Optional.of(CLAIM_RETRY.call("read the other nodes of bucket " + BUCKET, this::readOthers));
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			logger.warn("Could not read which settings the other running nodes use (bucket {}): {}; they are compared "
					+ "again while this node runs (CLUSTER_CONFIG_MISMATCH)", BUCKET, ex.getMessage());
			return Optional.empty();
		}
	}

	private Map<Long, Identity> readOthers() throws IOException, JetStreamApiException, InterruptedException {
		Map<Long, Identity> others = new TreeMap<>();
		String prefix = this.scope + ".node.";
		KeyValue kv = keyValue();
		for (String name : kv.keys(prefix + "*")) {
			long nodeId;
			try {
				nodeId = Long.parseLong(name.substring(prefix.length()));
			}
			catch (NumberFormatException ex) {
				continue;
			}
			Identity other = name.equals(this.key) ? null : holder(kv.get(name));
			if (other != null) {
				others.put(nodeId, other);
			}
		}
		return others;
	}

	private static @Nullable Identity holder(@Nullable KeyValueEntry entry) {
		if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
			return null;
		}
		return Identity.decode(entry.getValue());
	}

	/**
	 * Deletes the key when this node still holds it, so that its id is free at once.
	 */
	@Override
	public synchronized void close() {
		if (this.revision == null || this.keyValue == null) {
			return;
		}
		try {
			KeyValueEntry entry = this.keyValue.get(this.key);
			if (!KeyRevisions.writtenSince(entry, this.revision)) {
				this.keyValue.delete(this.key);
			}
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			logger.debug("Could not delete key {} of bucket {} (it expires within {}): {}", this.key, BUCKET, TTL,
					ex.getMessage());
		}
		finally {
			this.revision = null;
		}
	}

	private KeyValue keyValue() throws IOException, JetStreamApiException {
		if (this.keyValue == null) {
			KeyValueManagement management = this.connection.keyValueManagement();
			KeyValueConfiguration configuration = KeyValueConfiguration.builder()
				.name(BUCKET)
				.description("HarmonyLite: which running node holds each node id")
				.maxHistoryPerKey(1)
				.ttl(TTL)
				.replicas(this.replicas)
				.storageType(StorageType.File)
				.build();
			JetStreamBuckets.ensure(() -> management.getStatus(BUCKET), () -> management.create(configuration));
			this.keyValue = this.connection.keyValue(BUCKET);
		}
		return this.keyValue;
	}

	/**
	 * Who a running node is.
	 *
	 * @param instance what tells this run of the node from every other, chosen at random when it starts
	 * @param host the node's host
	 * @param pid the node's process id
	 * @param database the node's database file
	 * @param since when the node started
	 * @param shards the number of shards the node replicates, 0 when unknown
	 * @param subjectPrefix the subject prefix the node publishes with, empty when unknown
	 */
	public record Identity(String instance, String host, long pid, String database, Instant since, int shards,
			String subjectPrefix) {

		/**
		 * The identity of a node starting now in this process.
		 * @param database the node's database file
		 * @param now the time
		 * @param shards the number of shards the node replicates
		 * @param subjectPrefix the subject prefix the node publishes with
		 * @return the identity
		 */
		public static Identity ofThisProcess(Path database, Instant now, int shards, String subjectPrefix) {
			String name = ManagementFactory.getRuntimeMXBean().getName();
			String host = name.substring(name.indexOf('@') + 1);
			return new Identity(UUID.randomUUID().toString(), host, ProcessHandle.current().pid(),
					database.toAbsolutePath().normalize().toString(), now, shards, subjectPrefix);
		}

		/**
		 * Whether another run of the same node: the same database file on the same host.
		 * @param other the other identity
		 * @return {@code true} for the same node
		 */
		boolean sameNodeAs(Identity other) {
			return this.host.equals(other.host) && this.database.equals(other.database);
		}

		byte[] encode() {
			return ("instance=" + this.instance + "\nhost=" + this.host + "\npid=" + this.pid + "\ndatabase="
					+ this.database + "\nsince=" + this.since + "\nshards=" + this.shards + "\nsubjects=" + this.subjectPrefix
					+ "\n").getBytes(StandardCharsets.UTF_8);
		}

		static @Nullable Identity decode(byte[] bytes) {
			Map<String, String> fields = new LinkedHashMap<>();
			for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
				int equals = line.indexOf('=');
				if (equals > 0) {
					fields.put(line.substring(0, equals), line.substring(equals + 1));
				}
			}
			if (!fields.containsKey("instance")) {
				return null;
			}
			long pid;
			Instant since;
			int shards;
			try {
				pid = Long.parseLong(fields.getOrDefault("pid", "0"));
				since = Instant.parse(fields.getOrDefault("since", Instant.EPOCH.toString()));
				shards = Integer.parseInt(fields.getOrDefault("shards", "0"));
			}
			catch (NumberFormatException | DateTimeParseException ex) {
				pid = 0;
				since = Instant.EPOCH;
				shards = 0;
			}
			return new Identity(fields.get("instance"), fields.getOrDefault("host", "?"), pid,
					fields.getOrDefault("database", "?"), since, shards, fields.getOrDefault("subjects", ""));
		}

		@Override
		public String toString() {
			return "host " + this.host + ", pid " + this.pid + ", database " + this.database + ", started " + this.since;
		}

	}

}
