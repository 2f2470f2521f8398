package io.harmonylite.replicate;

import java.time.Duration;

import io.harmonylite.ConfigException;
import io.harmonylite.conflict.ConflictSettings;

/**
 * How changes are distributed through JetStream.
 *
 * @param shards the number of streams changes are spread over (hash of table and primary key)
 * @param streamPrefix stream names are {@code <streamPrefix>-<n>}
 * @param subjectPrefix subjects are {@code <subjectPrefix>-<n>}
 * @param replicas stream (and schema registry) replicas, 1 to 5, or {@link #AUTO_REPLICAS} for 3 when at least three
 * NATS servers are configured and 1 otherwise
 * @param maxEntries the most messages a stream keeps before discarding the oldest
 * @param updateExisting whether to update existing streams whose settings differ
 * @param compress whether to compress events with zstd
 * @param publishWindow the most published messages waiting for their acknowledgement
 * @param applyBatchSize the most changes applied in one transaction
 * @param maxAge the longest a stream keeps a message before discarding it; zero keeps messages for any time (only
 * {@code maxEntries} bounds the stream). Safe with snapshots: a node that finds the messages it needs discarded
 * restores a snapshot
 * @param maxClockSkew how far ahead of a node's clock a change's version may be: local versions are bounded to it,
 * received versions beyond it are applied but counted and logged
 * @param tombstoneRetention how long the version of a deleted row is kept; a change older than that which arrives
 * later may bring the row back
 * @since 0.1.0
 */
public record ReplicationConfig(int shards, String streamPrefix, String subjectPrefix, int replicas, long maxEntries,
		boolean updateExisting, boolean compress, int publishWindow, int applyBatchSize, Duration maxAge,
		Duration maxClockSkew, Duration tombstoneRetention) {

	/** Replicas not set: 3 when at least three NATS servers are configured, 1 otherwise. */
	public static final int AUTO_REPLICAS = 0;

	/** The default {@code max-clock-skew}. */
	public static final Duration DEFAULT_MAX_CLOCK_SKEW = ConflictSettings.DEFAULT_MAX_CLOCK_SKEW;

	/**
	 * The shortest {@code max-age}: the streams' duplicate window, which JetStream does not allow to exceed the age
	 * limit.
	 */
	public static final Duration MIN_MAX_AGE = Duration.ofMinutes(2);

	/** The default {@code tombstone-retention}. */
	public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofDays(7);

	public ReplicationConfig {
		if (shards < 1 || shards > 1024) {
			throw new ConfigException("harmonylite.replication.shards", "must be between 1 and 1024, was " + shards);
		}
		requireToken("harmonylite.replication.stream-prefix", streamPrefix);
		requireToken("harmonylite.replication.subject-prefix", subjectPrefix);
		if (replicas != AUTO_REPLICAS && (replicas < 1 || replicas > 5)) {
			throw new ConfigException("harmonylite.replication.replicas",
					"must be between 1 and 5 (JetStream's limit), or unset for the default, was " + replicas);
		}
		if (maxEntries < 1) {
			throw new ConfigException("harmonylite.replication.max-entries", "must be greater than 0, was " + maxEntries);
		}
		if (publishWindow < 1 || publishWindow > 100_000) {
			throw new ConfigException("harmonylite.replication.publish-window",
					"must be between 1 and 100000, was " + publishWindow);
		}
		if (applyBatchSize < 1 || applyBatchSize > 100_000) {
			throw new ConfigException("harmonylite.replication.apply-batch-size",
					"must be between 1 and 100000, was " + applyBatchSize);
		}
		if (maxAge == null || maxAge.isNegative() || (!maxAge.isZero() && maxAge.compareTo(MIN_MAX_AGE) < 0)) {
			throw new ConfigException("harmonylite.replication.max-age", "must be 0 (no age limit) or at least "
					+ MIN_MAX_AGE.toMinutes() + "m (e.g. 24h, 7d): the streams drop a change sent twice within "
					+ MIN_MAX_AGE.toMinutes() + " minutes (their duplicate window), and JetStream keeps messages at "
					+ "least that long; was " + maxAge);
		}
		ConflictSettings.checkMaxClockSkew(maxClockSkew);
		if (tombstoneRetention == null || tombstoneRetention.compareTo(Duration.ofMinutes(1)) < 0) {
			throw new ConfigException("harmonylite.replication.tombstone-retention",
					"must be at least 1m (e.g. 7d), and longer than any node may stay away, was " + tombstoneRetention);
		}
	}

	/**
	 * Settings without an age limit on the streams, with the default clock skew and tombstone retention.
	 * @param shards the number of streams
	 * @param streamPrefix stream names are {@code <streamPrefix>-<n>}
	 * @param subjectPrefix subjects are {@code <subjectPrefix>-<n>}
	 * @param replicas stream replicas, 1 to 5
	 * @param maxEntries the most messages a stream keeps
	 * @param updateExisting whether to update existing streams whose settings differ
	 * @param compress whether to compress events with zstd
	 * @param publishWindow the most published messages waiting for their acknowledgement
	 * @param applyBatchSize the most changes applied in one transaction
	 */
	public ReplicationConfig(int shards, String streamPrefix, String subjectPrefix, int replicas, long maxEntries,
			boolean updateExisting, boolean compress, int publishWindow, int applyBatchSize) {
		this(shards, streamPrefix, subjectPrefix, replicas, maxEntries, updateExisting, compress, publishWindow,
				applyBatchSize, Duration.ZERO, DEFAULT_MAX_CLOCK_SKEW, DEFAULT_TOMBSTONE_RETENTION);
	}

	/**
	 * These settings with another age limit on the streams.
	 * @param newMaxAge the longest a stream keeps a message, zero for no limit
	 * @return the settings
	 */
	public ReplicationConfig withMaxAge(Duration newMaxAge) {
		return new ReplicationConfig(this.shards, this.streamPrefix, this.subjectPrefix, this.replicas, this.maxEntries,
				this.updateExisting, this.compress, this.publishWindow, this.applyBatchSize, newMaxAge,
				this.maxClockSkew, this.tombstoneRetention);
	}

	/**
	 * These settings with other conflict settings.
	 * @param newMaxClockSkew the maximum clock skew
	 * @param newTombstoneRetention how long tombstones are kept
	 * @return the settings
	 */
	public ReplicationConfig withConflicts(Duration newMaxClockSkew, Duration newTombstoneRetention) {
		return new ReplicationConfig(this.shards, this.streamPrefix, this.subjectPrefix, this.replicas, this.maxEntries,
				this.updateExisting, this.compress, this.publishWindow, this.applyBatchSize, this.maxAge,
				newMaxClockSkew, newTombstoneRetention);
	}

	private static void requireToken(String property, String value) {
		if (value == null || !value.matches("[A-Za-z0-9_-]+")) {
			throw new ConfigException(property,
					"may contain only letters, digits, '-' and '_' (it names NATS streams and subjects), was '" + value + "'");
		}
	}

	/**
	 * The defaults: one shard, replicas by the number of servers, one million entries, no age limit, no compression.
	 * @return the defaults
	 */
	public static ReplicationConfig defaults() {
		return new ReplicationConfig(1, "harmonylite-changes", "harmonylite-change-log", AUTO_REPLICAS, 1_000_000,
				false, false, 1024, 1000);
	}

	/**
	 * The replicas the streams get with a given number of NATS servers.
	 * @param servers how many servers are configured (the embedded server and its peers, or the external URLs)
	 * @return the configured replicas; unset, 3 with at least three servers and 1 otherwise
	 */
	public int replicasFor(int servers) {
		if (this.replicas != AUTO_REPLICAS) {
			return this.replicas;
		}
		return (servers >= 3) ? 3 : 1;
	}

	/**
	 * These settings with other replicas.
	 * @param otherReplicas the replicas
	 * @return the settings
	 */
	public ReplicationConfig withReplicas(int otherReplicas) {
		return new ReplicationConfig(this.shards, this.streamPrefix, this.subjectPrefix, otherReplicas,
				this.maxEntries, this.updateExisting, this.compress, this.publishWindow, this.applyBatchSize,
				this.maxAge, this.maxClockSkew, this.tombstoneRetention);
	}

	/**
	 * The stream holding one shard.
	 * @param shard the shard number, 0-based
	 * @return the stream name
	 */
	public String streamName(int shard) {
		return this.streamPrefix + "-" + shard;
	}

	/**
	 * The subject of one shard.
	 * @param shard the shard number, 0-based
	 * @return the subject
	 */
	public String subject(int shard) {
		return this.subjectPrefix + "-" + shard;
	}

}
