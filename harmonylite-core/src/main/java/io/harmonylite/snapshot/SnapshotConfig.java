package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
 * @param staleAfter how old the newest snapshot may get before the node reports it (health {@code DEGRADED}); zero
 * for twice the {@code interval} (never when the interval is zero)
 * @since 0.1.0
 */
public record SnapshotConfig(boolean enabled, Duration interval, long afterChanges, int keep, RestoreMode restore,
		SnapshotStoreType store, String bucket, @Nullable Path directory, S3StoreConfig s3, Duration leaseTtl,
		@Nullable Path workDirectory, Duration staleAfter) {

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
		if (staleAfter == null || staleAfter.isNegative()) {
			throw new ConfigException("harmonylite.snapshot.stale-after",
					"must be zero (twice harmonylite.snapshot.interval) or a positive duration (e.g. 3h), was "
							+ staleAfter);
		}
	}

	/**
	 * Settings with the default age at which the newest snapshot is reported as stale.
	 * @param enabled whether this node takes scheduled snapshots and restores them
	 * @param interval how often the lease holder takes a snapshot; zero for never by time
	 * @param afterChanges also take one after this many changes applied; zero for never by count
	 * @param keep how many snapshots the store keeps
	 * @param restore when a node restores a snapshot by itself
	 * @param store where snapshots are kept
	 * @param bucket the NATS object store bucket
	 * @param directory the directory
	 * @param s3 the S3 location
	 * @param leaseTtl how long the snapshot lease outlives its holder's last heartbeat
	 * @param workDirectory where snapshots are copied, compressed and unpacked; {@code null} for the default
	 */
	public SnapshotConfig(boolean enabled, Duration interval, long afterChanges, int keep, RestoreMode restore,
			SnapshotStoreType store, String bucket, @Nullable Path directory, S3StoreConfig s3, Duration leaseTtl,
			@Nullable Path workDirectory) {
		this(enabled, interval, afterChanges, keep, restore, store, bucket, directory, s3, leaseTtl, workDirectory,
				Duration.ZERO);
	}

	/**
	 * The defaults: enabled, every hour, keep 3, restore {@code auto}, NATS bucket {@code harmonylite-snapshots},
	 * lease TTL 30 s.
	 * @return the defaults
	 */
	public static SnapshotConfig defaults() {
		return builder().build();
	}

	/**
	 * Starts a builder with the {@link #defaults()}.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * How old the newest snapshot may get before it is reported.
	 * @return {@code staleAfter}, or twice the interval when it is zero; empty when snapshots are disabled or taken by
	 * count only
	 */
	public Optional<Duration> staleThreshold() {
		if (!this.enabled) {
			return Optional.empty();
		}
		if (!this.staleAfter.isZero()) {
			return Optional.of(this.staleAfter);
		}
		return this.interval.isZero() ? Optional.empty() : Optional.of(this.interval.multipliedBy(2));
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

	/**
	 * Builds a {@link SnapshotConfig}; unset values keep their defaults.
	 */
	public static final class Builder {

		private boolean enabled = true;

		private Duration interval = Duration.ofHours(1);

		private long afterChanges;

		private int keep = 3;

		private RestoreMode restore = RestoreMode.AUTO;

		private SnapshotStoreType store = SnapshotStoreType.NATS;

		private String bucket = DEFAULT_BUCKET;

		private @Nullable Path directory;

		private S3StoreConfig s3 = S3StoreConfig.defaults();

		private Duration leaseTtl = Duration.ofSeconds(30);

		private @Nullable Path workDirectory;

		private Duration staleAfter = Duration.ZERO;

		private Builder() {
		}

		public Builder enabled(boolean enabled) {
			this.enabled = enabled;
			return this;
		}

		public Builder interval(Duration interval) {
			this.interval = interval;
			return this;
		}

		public Builder afterChanges(long afterChanges) {
			this.afterChanges = afterChanges;
			return this;
		}

		public Builder keep(int keep) {
			this.keep = keep;
			return this;
		}

		public Builder restore(RestoreMode restore) {
			this.restore = restore;
			return this;
		}

		public Builder store(SnapshotStoreType store) {
			this.store = store;
			return this;
		}

		public Builder bucket(String bucket) {
			this.bucket = bucket;
			return this;
		}

		/**
		 * Keeps snapshots in a directory ({@link SnapshotStoreType#DIRECTORY}).
		 * @param directory the directory
		 * @return this builder
		 */
		public Builder directory(@Nullable Path directory) {
			this.directory = directory;
			if (directory != null) {
				this.store = SnapshotStoreType.DIRECTORY;
			}
			return this;
		}

		public Builder s3(S3StoreConfig s3) {
			this.s3 = s3;
			return this;
		}

		public Builder leaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
			return this;
		}

		public Builder workDirectory(@Nullable Path workDirectory) {
			this.workDirectory = workDirectory;
			return this;
		}

		public Builder staleAfter(Duration staleAfter) {
			this.staleAfter = staleAfter;
			return this;
		}

		public SnapshotConfig build() {
			return new SnapshotConfig(this.enabled, this.interval, this.afterChanges, this.keep, this.restore,
					this.store, this.bucket, this.directory, this.s3, this.leaseTtl, this.workDirectory,
					this.staleAfter);
		}

	}

}
