package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.harmonylite.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Snapshot settings ({@code harmonylite.snapshot.*}), validated at construction.
 *
 * @param enabled whether this node takes scheduled snapshots (while it holds the lease) and restores them
 * @param interval how often the lease holder takes a snapshot; zero for never by time
 * @param afterChanges the lease holder also takes one after this many changes applied; zero for never by count
 * @param keep how many snapshots the store keeps; older ones are deleted
 * @param restore when a node restores a snapshot by itself
 * @param store where snapshots are kept
 * @param bucket the NATS object store bucket ({@link SnapshotStoreType#NATS})
 * @param directory the directory ({@link SnapshotStoreType#DIRECTORY})
 * @param s3 the S3 location ({@link SnapshotStoreType#S3})
 * @param leaseTtl how long the snapshot lease outlives its holder's last heartbeat
 * @param workDirectory where snapshots are copied, compressed and unpacked; {@code null} for {@code <db>-snapshots}
 * beside the database
 * @since 0.1.0
 */
public record SnapshotConfig(boolean enabled, Duration interval, long afterChanges, int keep, RestoreMode restore,
		SnapshotStoreType store, String bucket, @Nullable Path directory, S3StoreConfig s3, Duration leaseTtl,
		@Nullable Path workDirectory) {

	/** The default NATS object store bucket. */
	public static final String DEFAULT_BUCKET = "harmonylite-snapshots";

	public SnapshotConfig {
		if (interval == null || interval.isNegative()) {
			throw new ConfigException("harmonylite.snapshot.interval",
					"must be a duration of zero (never by time) or more (e.g. 30m, 6h), was " + interval);
		}
		if (afterChanges < 0) {
			throw new ConfigException("harmonylite.snapshot.after-changes",
					"must be 0 (never by count) or more, was " + afterChanges);
		}
		if (enabled && interval.isZero() && afterChanges == 0) {
			throw new ConfigException("harmonylite.snapshot.interval", "is zero and harmonylite.snapshot.after-changes "
					+ "is 0, so no snapshot would ever be taken: set one of them, or harmonylite.snapshot.enabled=false");
		}
		if (keep < 1 || keep > 1000) {
			throw new ConfigException("harmonylite.snapshot.keep", "must be between 1 and 1000, was " + keep);
		}
		Objects.requireNonNull(restore, "restore");
		Objects.requireNonNull(store, "store");
		if (bucket == null || !bucket.matches("[A-Za-z0-9_-]+")) {
			throw new ConfigException("harmonylite.snapshot.bucket",
					"may contain only letters, digits, '-' and '_' (it names a NATS bucket), was '" + bucket + "'");
		}
		Objects.requireNonNull(s3, "s3");
		if (store == SnapshotStoreType.DIRECTORY && (directory == null || directory.toString().isBlank())) {
			throw new ConfigException("harmonylite.snapshot.directory",
					"is required with harmonylite.snapshot.store=directory: set it to a directory every node can reach");
		}
		if (store == SnapshotStoreType.S3 && (s3.bucket() == null || s3.bucket().isBlank())) {
			throw new ConfigException("harmonylite.snapshot.s3.bucket",
					"is required with harmonylite.snapshot.store=s3: set it to an existing bucket");
		}
		if (store == SnapshotStoreType.S3 && ((s3.accessKeyId() == null) != (s3.secretAccessKey() == null))) {
			throw new ConfigException("harmonylite.snapshot.s3.access-key-id",
					"and harmonylite.snapshot.s3.secret-access-key must be set together (or neither, for the AWS "
							+ "SDK's default credentials)");
		}
		if (leaseTtl == null || leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new ConfigException("harmonylite.snapshot.lease-ttl",
					"must be at least 1s (the lease is handed over this long after its holder stops), was " + leaseTtl);
		}
	}

	/**
	 * The defaults: enabled, every hour, keep 3, restore {@code auto}, NATS bucket {@code harmonylite-snapshots},
	 * lease TTL 30 s.
	 * @return the defaults
	 */
	public static SnapshotConfig defaults() {
		return new SnapshotConfig(true, Duration.ofHours(1), 0, 3, RestoreMode.AUTO, SnapshotStoreType.NATS,
				DEFAULT_BUCKET, null, S3StoreConfig.defaults(), Duration.ofSeconds(30), null);
	}

	/**
	 * The work directory for a database.
	 * @param database the database file
	 * @return the configured directory, or {@code <db>-snapshots} beside the database
	 */
	public Path workDirectory(Path database) {
		if (this.workDirectory != null) {
			return this.workDirectory;
		}
		Path absolute = database.toAbsolutePath();
		return absolute.resolveSibling(absolute.getFileName() + "-snapshots");
	}

	/**
	 * How often the lease is renewed: a third of its TTL, so that two renewals may fail before it expires.
	 * @return the heartbeat interval
	 */
	public Duration leaseHeartbeat() {
		return this.leaseTtl.dividedBy(3);
	}

}
