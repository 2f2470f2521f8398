package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.harmonylite.ConfigException;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.schema.SchemaConfig;
import io.harmonylite.snapshot.SnapshotConfig;

/**
 * The validated configuration of one node. Invalid values fail at construction with a {@link ConfigException}
 * naming the {@code harmonylite.*} property.
 *
 * @param nodeId this node's id, unique in the cluster
 * @param dbPath the SQLite database file
 * @param tables the tables to replicate; empty means every user table
 * @param ignoreTables tables never replicated
 * @param publish whether local changes are sent to the cluster
 * @param replicate whether changes from the cluster are applied here
 * @param pollingInterval the fallback poll for changes made by other processes
 * @param cleanupInterval how often published change-log rows are deleted
 * @param nats how to reach NATS
 * @param replication how changes are distributed
 * @param schema schema-versioning timings
 * @param snapshot when snapshots are taken and restored, and where they are kept
 * @since 0.1.0
 */
public record HarmonyLiteConfig(long nodeId, Path dbPath, List<String> tables, List<String> ignoreTables,
		boolean publish, boolean replicate, Duration pollingInterval, Duration cleanupInterval, NatsConfig nats,
		ReplicationConfig replication, SchemaConfig schema, SnapshotConfig snapshot) {

	public HarmonyLiteConfig {
		if (nodeId < 1) {
			throw new ConfigException("harmonylite.node-id", "must be a positive number unique in the cluster, was " + nodeId);
		}
		if (dbPath == null || dbPath.toString().isBlank()) {
			throw new ConfigException("harmonylite.db-path",
					"is required: set it to the SQLite file to replicate, or configure a SQLite DataSource");
		}
		tables = List.copyOf(tables);
		ignoreTables = List.copyOf(ignoreTables);
		positive("harmonylite.polling-interval", pollingInterval);
		positive("harmonylite.cleanup-interval", cleanupInterval);
		Objects.requireNonNull(nats, "nats");
		Objects.requireNonNull(replication, "replication");
		Objects.requireNonNull(schema, "schema");
		Objects.requireNonNull(snapshot, "snapshot");
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new ConfigException(property, "must be a positive duration (e.g. 500ms, 30s, 5m), was " + value);
		}
	}

	/**
	 * Starts a builder with defaults for everything but the node id and database path.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds a {@link HarmonyLiteConfig}; unset values keep their defaults.
	 */
	public static final class Builder {

		private long nodeId;

		private Path dbPath;

		private List<String> tables = List.of();

		private List<String> ignoreTables = List.of();

		private boolean publish = true;

		private boolean replicate = true;

		private Duration pollingInterval = Duration.ofMillis(50);

		private Duration cleanupInterval = Duration.ofMinutes(1);

		private NatsConfig nats = NatsConfig.embeddedDefaults();

		private ReplicationConfig replication = ReplicationConfig.defaults();

		private SchemaConfig schema = SchemaConfig.defaults();

		private SnapshotConfig snapshot = SnapshotConfig.defaults();

		private Builder() {
		}

		public Builder nodeId(long nodeId) {
			this.nodeId = nodeId;
			return this;
		}

		public Builder dbPath(Path dbPath) {
			this.dbPath = dbPath;
			return this;
		}

		public Builder tables(List<String> tables) {
			this.tables = tables;
			return this;
		}

		public Builder ignoreTables(List<String> ignoreTables) {
			this.ignoreTables = ignoreTables;
			return this;
		}

		public Builder publish(boolean publish) {
			this.publish = publish;
			return this;
		}

		public Builder replicate(boolean replicate) {
			this.replicate = replicate;
			return this;
		}

		public Builder pollingInterval(Duration pollingInterval) {
			this.pollingInterval = pollingInterval;
			return this;
		}

		public Builder cleanupInterval(Duration cleanupInterval) {
			this.cleanupInterval = cleanupInterval;
			return this;
		}

		public Builder nats(NatsConfig nats) {
			this.nats = nats;
			return this;
		}

		public Builder replication(ReplicationConfig replication) {
			this.replication = replication;
			return this;
		}

		public Builder schema(SchemaConfig schema) {
			this.schema = schema;
			return this;
		}

		public Builder snapshot(SnapshotConfig snapshot) {
			this.snapshot = snapshot;
			return this;
		}

		public HarmonyLiteConfig build() {
			return new HarmonyLiteConfig(this.nodeId, this.dbPath, this.tables, this.ignoreTables, this.publish,
					this.replicate, this.pollingInterval, this.cleanupInterval, this.nats, this.replication,
					this.schema, this.snapshot);
		}

	}

	/**
	 * What the conflict rule needs of this configuration: this node's id and the maximum clock skew.
	 * @return the conflict settings
	 */
	public ConflictSettings conflicts() {
		return new ConflictSettings(this.nodeId, this.replication.maxClockSkew());
	}

}
