package io.harmonylite.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import io.harmonylite.snapshot.SnapshotException;
import io.harmonylite.snapshot.SnapshotLease;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SnapshotLease} in a NATS JetStream key-value bucket whose TTL is the lease's: one key holds the holder's
 * node id. A node that finds the key absent (never written, deleted, or expired because its holder stopped renewing)
 * takes the lease with {@code create}, which only one node's succeeds. The holder renews it with a plain put after
 * reading it: a revision above its own written by another node means the lease expired and was taken, and the holder
 * learns so instead of overwriting it. A restarted node re-adopts a lease still recorded under its own id.
 * <p>
 * Revision-checked writes are kept to that one {@code create} (see {@link KeyRevisions}): renewals come every
 * heartbeat.
 *
 * @since 0.1.0
 */
public final class KvSnapshotLease implements SnapshotLease {

	/** The default bucket name. */
	public static final String BUCKET = "harmonylite-snapshot-lease";

	/** The default key holding the holder's node id. */
	public static final String KEY = "snapshot-leader";

	private static final Logger logger = LoggerFactory.getLogger(KvSnapshotLease.class);

	private final Connection connection;

	private final String bucket;

	private final Duration ttl;

	private final int replicas;

	private final long nodeId;

	private final String key;

	private final byte[] value;

	// Guarded by this.
	private @Nullable KeyValue keyValue;

	// The revision this node last wrote while holding the lease; null when it does not hold it. Guarded by this.
	private @Nullable Long revision;

	/**
	 * Creates a lease.
	 * @param connection an open NATS connection with JetStream enabled on the server
	 * @param bucket the bucket name
	 * @param ttl how long the lease outlives its holder's last renewal; used when the bucket is created
	 * @param replicas how many servers keep the bucket, as for the streams; used when the bucket is created
	 * @param nodeId this node's id
	 */
	public KvSnapshotLease(Connection connection, String bucket, Duration ttl, int replicas, long nodeId) {
		this(connection, bucket, KEY, ttl, replicas, nodeId);
	}

	/**
	 * Creates a lease under its own key, e.g. one per cluster when several share a NATS.
	 * @param connection an open NATS connection with JetStream enabled on the server
	 * @param bucket the bucket name
	 * @param key the key holding the holder's node id (letters, digits, {@code -}, {@code _}, {@code .})
	 * @param ttl how long the lease outlives its holder's last renewal; used when the bucket is created
	 * @param replicas how many servers keep the bucket, as for the streams; used when the bucket is created
	 * @param nodeId this node's id
	 */
	public KvSnapshotLease(Connection connection, String bucket, String key, Duration ttl, int replicas, long nodeId) {
		this.key = Objects.requireNonNull(key, "key");
		this.connection = Objects.requireNonNull(connection, "connection");
		this.bucket = Objects.requireNonNull(bucket, "bucket");
		if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("The snapshot lease TTL must be at least 1s, was " + ttl);
		}
		if (replicas < 1 || replicas > 5) {
			throw new IllegalArgumentException("The snapshot lease replicas must be 1 to 5, was " + replicas);
		}
		this.ttl = ttl;
		this.replicas = replicas;
		this.nodeId = nodeId;
		this.value = Long.toString(nodeId).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public synchronized boolean acquireOrRenew() {
		try {
			KeyValue kv = keyValue();
			KeyValueEntry entry = kv.get(this.key);
			boolean present = entry != null && entry.getOperation() == KeyValueOperation.PUT;
			if (this.revision != null) {
				if (!present || !KeyRevisions.writtenSince(entry, this.revision) || isOwn(entry.getValue())) {
					this.revision = kv.put(this.key, this.value);
					return true;
				}
				// The lease expired and another node took it since. Try to take it as anyone would.
				this.revision = null;
				logger.info("Node {}: lost the snapshot lease (node {} took it)", this.nodeId,
						new String(entry.getValue(), StandardCharsets.UTF_8));
			}
			if (present) {
				return readoptOwn(kv, entry);
			}
			try {
				this.revision = kv.create(this.key, this.value);
				logger.info("Node {}: took the snapshot lease (bucket {}, TTL {})", this.nodeId, this.bucket, this.ttl);
				return true;
			}
			catch (JetStreamApiException taken) {
				// Another node created it since it was read.
				return false;
			}
		}
		catch (IOException | JetStreamApiException | IllegalStateException ex) {
			// Unreachable NATS: keep the revision, so that the lease is renewed if nobody took it meanwhile.
			logger.warn("Node {}: could not renew the snapshot lease in bucket {}: {}", this.nodeId, this.bucket,
					ex.getMessage());
			return false;
		}
	}

	/**
	 * Takes back a lease that names this node (it restarted before the lease expired).
	 */
	private boolean readoptOwn(KeyValue kv, KeyValueEntry entry) throws IOException, JetStreamApiException {
		if (!isOwn(entry.getValue())) {
			return false;
		}
		this.revision = kv.put(this.key, this.value);
		logger.info("Node {}: took back its snapshot lease", this.nodeId);
		return true;
	}

	@Override
	public synchronized void release() {
		if (this.revision == null) {
			return;
		}
		try {
			KeyValue kv = keyValue();
			KeyValueEntry entry = kv.get(this.key);
			if (KeyRevisions.writtenSince(entry, this.revision) && !isOwn(entry.getValue())) {
				return;
			}
			kv.delete(this.key);
			logger.info("Node {}: released the snapshot lease", this.nodeId);
		}
		catch (IOException | JetStreamApiException | IllegalStateException ex) {
			// It expires after its TTL instead.
			logger.warn("Node {}: could not release the snapshot lease (it expires within {}): {}", this.nodeId,
					this.ttl, ex.getMessage());
		}
		finally {
			this.revision = null;
		}
	}

	@Override
	public Optional<Long> holder() {
		try {
			KeyValueEntry entry = keyValue().get(this.key);
			if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
				return Optional.empty();
			}
			return Optional.of(Long.parseLong(new String(entry.getValue(), StandardCharsets.UTF_8)));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
		catch (IOException | JetStreamApiException | IllegalStateException ex) {
			throw new SnapshotException("Could not read the snapshot lease in NATS KV bucket " + this.bucket + ": "
					+ ex.getMessage() + ". Check that NATS is reachable and has JetStream enabled", ex);
		}
	}

	@Override
	public void requestSnapshot() {
		try {
			keyValue().put(requestKey(), this.value);
		}
		catch (IOException | JetStreamApiException | IllegalStateException ex) {
			logger.warn("Node {}: could not ask the snapshot lease holder for a snapshot (bucket {}): {}", this.nodeId,
					this.bucket, ex.getMessage());
		}
	}

	@Override
	public Optional<SnapshotRequest> request() {
		try {
			KeyValueEntry entry = keyValue().get(requestKey());
			if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
				return Optional.empty();
			}
			return Optional.of(new SnapshotRequest(Long.parseLong(new String(entry.getValue(), StandardCharsets.UTF_8)),
					entry.getCreated().toInstant()));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
		catch (IOException | JetStreamApiException | IllegalStateException ex) {
			throw new SnapshotException("Could not read the snapshot requests in NATS KV bucket " + this.bucket + ": "
					+ ex.getMessage(), ex);
		}
	}

	/** The key of the standing request for a snapshot, beside the lease's own; it expires with the bucket's TTL. */
	private String requestKey() {
		return this.key + "-wanted";
	}

	private boolean isOwn(byte @Nullable [] holder) {
		return holder != null && Arrays.equals(holder, this.value);
	}

	private synchronized KeyValue keyValue() throws IOException, JetStreamApiException {
		if (this.keyValue == null) {
			ensureBucket(this.connection.keyValueManagement());
			this.keyValue = this.connection.keyValue(this.bucket);
		}
		return this.keyValue;
	}

	private void ensureBucket(KeyValueManagement management) throws IOException, JetStreamApiException {
		KeyValueConfiguration configuration = KeyValueConfiguration.builder()
			.name(this.bucket)
			.description("HarmonyLite snapshot lease: the node id taking the scheduled snapshots")
			.maxHistoryPerKey(1)
			.ttl(this.ttl)
			.replicas(this.replicas)
			.storageType(StorageType.File)
			.build();
		if (JetStreamBuckets.ensure(() -> checkTtl(management.getStatus(this.bucket)),
				() -> management.create(configuration))) {
			logger.info("Created snapshot lease bucket {} (TTL {})", this.bucket, this.ttl);
		}
	}

	private void checkTtl(KeyValueStatus status) {
		if (!this.ttl.equals(status.getTtl())) {
			logger.warn("Snapshot lease bucket {} has TTL {}, not the configured {}; using the bucket as it is "
					+ "(delete the bucket to have it recreated)", this.bucket, status.getTtl(), this.ttl);
		}
	}

}
