package io.harmonylite.nats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.harmonylite.snapshot.SnapshotException;
import io.harmonylite.snapshot.SnapshotManifest;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotNotFoundException;
import io.harmonylite.snapshot.SnapshotStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SnapshotStore} in a NATS JetStream object store bucket, the default: it needs nothing but the NATS the
 * cluster already uses (embedded servers included), and keeps as many copies as the streams ({@code replicas}).
 * Each snapshot is two objects, {@code <id>.db.zst} and then {@code <id>.manifest}; the bucket is created on first use
 * when missing, an existing one is used as it is. An object not found after it was listed (deleted meanwhile by the
 * retention of another node, or answered by a lagging replica) leaves its snapshot out of the listing, and makes
 * {@link #get} throw {@link SnapshotNotFoundException}.
 *
 * @since 0.1.0
 */
public final class ObjectStoreSnapshotStore implements SnapshotStore {

	private static final Logger logger = LoggerFactory.getLogger(ObjectStoreSnapshotStore.class);

	private final Connection connection;

	private final String bucket;

	private final int replicas;

	// The manifests left out of a listing already, so that each is said once at INFO.
	private final Set<String> skipped = ConcurrentHashMap.newKeySet();

	// Opened on first use, so that constructing the store does no I/O. Guarded by this.
	private @Nullable ObjectStore objectStore;

	/**
	 * Creates a store.
	 * @param connection an open NATS connection with JetStream enabled on the server
	 * @param bucket the bucket name
	 * @param replicas how many servers keep the bucket, as for the streams; used when the bucket is created
	 */
	public ObjectStoreSnapshotStore(Connection connection, String bucket, int replicas) {
		this.connection = Objects.requireNonNull(connection, "connection");
		this.bucket = Objects.requireNonNull(bucket, "bucket");
		if (replicas < 1 || replicas > 5) {
			throw new IllegalArgumentException("The snapshot bucket replicas must be 1 to 5, was " + replicas);
		}
		this.replicas = replicas;
	}

	@Override
	public void put(SnapshotMetadata metadata, Path data) {
		try (InputStream in = Files.newInputStream(data)) {
			ObjectStore store = objectStore();
			store.put(ObjectMeta.builder(SnapshotManifest.dataName(metadata.id()))
				.description("HarmonyLite snapshot data (zstd-compressed SQLite database)")
				.build(), in);
			store.put(SnapshotManifest.manifestName(metadata.id()),
					new ByteArrayInputStream(SnapshotManifest.encode(metadata)));
		}
		catch (IOException | JetStreamApiException | NoSuchAlgorithmException | IllegalStateException ex) {
			throw failure("store snapshot " + metadata.id(), ex);
		}
	}

	@Override
	public List<SnapshotMetadata> list() {
		List<SnapshotMetadata> snapshots = new ArrayList<>();
		try {
			ObjectStore store = objectStore();
			Set<String> names = new HashSet<>();
			for (ObjectInfo info : store.getList()) {
				if (!info.isDeleted()) {
					names.add(info.getObjectName());
				}
			}
			for (String name : names) {
				if (!name.endsWith(SnapshotManifest.SUFFIX)) {
					continue;
				}
				String id = name.substring(0, name.length() - SnapshotManifest.SUFFIX.length());
				ByteArrayOutputStream manifest = new ByteArrayOutputStream();
				if (!names.contains(SnapshotManifest.dataName(id))) {
					skip(name, "its data object " + SnapshotManifest.dataName(id) + " is not listed");
				}
				else if (!download(store, name, manifest)) {
					skip(name, "it was not found after being listed");
				}
				else {
					try {
						snapshots.add(SnapshotManifest.decode(manifest.toByteArray(), name + " in " + this));
					}
					catch (SnapshotException ex) {
						logger.warn("Skipping {}: {}", name, ex.getMessage());
					}
				}
			}
		}
		catch (IOException | JetStreamApiException | NoSuchAlgorithmException | IllegalStateException
				| IllegalArgumentException ex) {
			throw failure("list the snapshots", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SnapshotException("Interrupted while listing the snapshots in " + this, ex);
		}
		snapshots.sort(SnapshotMetadata.NEWEST_FIRST);
		return snapshots;
	}

	@Override
	public SnapshotMetadata get(String id, Path target) {
		if (!SnapshotMetadata.isValidId(id)) {
			throw new SnapshotNotFoundException(id, toString());
		}
		String manifestName = SnapshotManifest.manifestName(id);
		try {
			ObjectStore store = objectStore();
			ByteArrayOutputStream manifest = new ByteArrayOutputStream();
			if (!download(store, manifestName, manifest)) {
				throw new SnapshotNotFoundException(id, toString());
			}
			SnapshotMetadata metadata = SnapshotManifest.decode(manifest.toByteArray(), manifestName + " in " + this);
			try (OutputStream out = Files.newOutputStream(target)) {
				if (!download(store, SnapshotManifest.dataName(id), out)) {
					throw new SnapshotNotFoundException(id, toString());
				}
			}
			return metadata;
		}
		catch (IOException | JetStreamApiException | NoSuchAlgorithmException | IllegalStateException
				| IllegalArgumentException ex) {
			throw failure("read snapshot " + id, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SnapshotException("Interrupted while reading snapshot " + id + " from " + this, ex);
		}
	}

	@Override
	public void delete(String id) {
		if (!SnapshotMetadata.isValidId(id)) {
			return;
		}
		try {
			ObjectStore store = objectStore();
			// The manifest first: from then on the snapshot is not listed, even if deleting the data fails.
			for (String name : List.of(SnapshotManifest.manifestName(id), SnapshotManifest.dataName(id))) {
				try {
					store.delete(name);
				}
				catch (IllegalArgumentException | JetStreamApiException ex) {
					if (!ObjectNotFound.is(ex)) {
						throw ex;
					}
				}
			}
		}
		catch (IOException | JetStreamApiException | IllegalStateException | IllegalArgumentException ex) {
			throw failure("delete snapshot " + id, ex);
		}
	}

	/**
	 * Copies an object into a stream.
	 * @return {@code false} when the object is not found (deleted meanwhile, or a lagging replica answered)
	 */
	private static boolean download(ObjectStore store, String name, OutputStream out)
			throws IOException, JetStreamApiException, InterruptedException, NoSuchAlgorithmException {
		try {
			store.get(name, out);
			return true;
		}
		catch (IllegalArgumentException | JetStreamApiException ex) {
			if (ObjectNotFound.is(ex)) {
				return false;
			}
			throw ex;
		}
	}

	/** Leaves a listed snapshot out: said at INFO the first time, then at DEBUG (the listing is polled). */
	private void skip(String manifestName, String why) {
		if (this.skipped.add(manifestName)) {
			logger.info("Not listing snapshot {} in {}: {} (deleted meanwhile, or a lagging replica of the bucket "
					+ "answered)", manifestName, this, why);
		}
		else {
			logger.debug("Not listing snapshot {} in {}: {}", manifestName, this, why);
		}
	}

	private synchronized ObjectStore objectStore() throws IOException, JetStreamApiException {
		if (this.objectStore == null) {
			ensureBucket(this.connection.objectStoreManagement());
			this.objectStore = this.connection.objectStore(this.bucket);
		}
		return this.objectStore;
	}

	private void ensureBucket(ObjectStoreManagement management) throws IOException, JetStreamApiException {
		ObjectStoreConfiguration configuration = ObjectStoreConfiguration.builder()
			.name(this.bucket)
			.description("HarmonyLite snapshots (<id>.db.zst and <id>.manifest)")
			.storageType(StorageType.File)
			.replicas(this.replicas)
			.build();
		if (JetStreamBuckets.ensure(() -> management.getStatus(this.bucket), () -> management.create(configuration))) {
			logger.info("Created snapshot bucket {} ({} replica(s))", this.bucket, this.replicas);
		}
	}

	private SnapshotException failure(String action, Exception ex) {
		return new SnapshotException("Could not " + action + " in " + this + ": " + ex.getMessage()
				+ ". Check that NATS is reachable and has JetStream enabled, and that the server has space for the "
				+ "bucket (harmonylite.snapshot.bucket)", ex);
	}

	@Override
	public String toString() {
		return "NATS object store bucket " + this.bucket;
	}

}
