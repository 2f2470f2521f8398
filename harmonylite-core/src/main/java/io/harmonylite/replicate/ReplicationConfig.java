package io.harmonylite.replicate;

import java.time.Duration;

import io.harmonylite.ConfigException;

/**
 * How changes are distributed through JetStream.
 *
 * @param shards the number of streams changes are spread over (hash of table and primary key)
 * @param streamPrefix stream names are {@code <streamPrefix>-<n>}
 * @param subjectPrefix subjects are {@code <subjectPrefix>-<n>}
 * @param replicas stream replicas, 1 to 5
 * @param maxEntries the most messages a stream keeps before discarding the oldest
 * @param updateExisting whether to update existing streams whose settings differ
 * @param compress whether to compress events with zstd
 * @param publishWindow the most published messages waiting for their acknowledgement
 * @param applyBatchSize the most changes applied in one transaction
 * @param maxAge the longest a stream keeps a message before discarding it; zero keeps messages for any time (only
 * {@code maxEntries} bounds the stream). Safe with snapshots: a node that finds the messages it needs discarded
 * restores a snapshot
 * @since 0.1.0
 */
public record ReplicationConfig(int shards, String streamPrefix, String subjectPrefix, int replicas, long maxEntries,
		boolean updateExisting, boolean compress, int publishWindow, int applyBatchSize, Duration maxAge) {

	public ReplicationConfig {
		if (shards < 1 || shards > 1024) {
			throw new ConfigException("harmonylite.replication.shards", "must be between 1 and 1024, was " + shards);
		}
		requireToken("harmonylite.replication.stream-prefix", streamPrefix);
		requireToken("harmonylite.replication.subject-prefix", subjectPrefix);
		if (replicas < 1 || replicas > 5) {
			throw new ConfigException("harmonylite.replication.replicas",
					"must be between 1 and 5 (JetStream's limit), was " + replicas);
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
		if (maxAge == null || maxAge.isNegative() || (!maxAge.isZero() && maxAge.compareTo(Duration.ofSeconds(1)) < 0)) {
			throw new ConfigException("harmonylite.replication.max-age",
					"must be 0 (no age limit) or at least 1s (e.g. 24h, 7d), was " + maxAge);
		}
	}

	/**
	 * Settings without an age limit on the streams.
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
				applyBatchSize, Duration.ZERO);
	}

	/**
	 * These settings with another age limit on the streams.
	 * @param newMaxAge the longest a stream keeps a message, zero for no limit
	 * @return the settings
	 */
	public ReplicationConfig withMaxAge(Duration newMaxAge) {
		return new ReplicationConfig(this.shards, this.streamPrefix, this.subjectPrefix, this.replicas, this.maxEntries,
				this.updateExisting, this.compress, this.publishWindow, this.applyBatchSize, newMaxAge);
	}

	private static void requireToken(String property, String value) {
		if (value == null || !value.matches("[A-Za-z0-9_-]+")) {
			throw new ConfigException(property,
					"may contain only letters, digits, '-' and '_' (it names NATS streams and subjects), was '" + value + "'");
		}
	}

	/**
	 * The defaults: one shard, one replica, one million entries, no age limit, no compression.
	 * @return the defaults
	 */
	public static ReplicationConfig defaults() {
		return new ReplicationConfig(1, "harmonylite-changes", "harmonylite-change-log", 1, 1_000_000, false, false,
				1024, 1000);
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
