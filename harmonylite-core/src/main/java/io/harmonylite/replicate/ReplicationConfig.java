package io.harmonylite.replicate;

import io.harmonylite.ConfigException;

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
 * @since 0.1.0
 */
public record ReplicationConfig(int shards, String streamPrefix, String subjectPrefix, int replicas, long maxEntries,
		boolean updateExisting, boolean compress, int publishWindow, int applyBatchSize) {

	/** Replicas not set: 3 when at least three NATS servers are configured, 1 otherwise. */
	public static final int AUTO_REPLICAS = 0;

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
	}

	private static void requireToken(String property, String value) {
		if (value == null || !value.matches("[A-Za-z0-9_-]+")) {
			throw new ConfigException(property,
					"may contain only letters, digits, '-' and '_' (it names NATS streams and subjects), was '" + value + "'");
		}
	}

	/**
	 * The defaults: one shard, replicas by the number of servers, one million entries, no compression.
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
				this.maxEntries, this.updateExisting, this.compress, this.publishWindow, this.applyBatchSize);
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
