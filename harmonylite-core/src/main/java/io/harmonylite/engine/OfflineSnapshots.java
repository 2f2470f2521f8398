package io.harmonylite.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.apply.StreamGap;
import io.harmonylite.snapshot.ConsistencyCheck;
import io.harmonylite.snapshot.DirectorySnapshotStore;
import io.harmonylite.snapshot.ReplicatedTables;
import io.harmonylite.snapshot.ReplicationState;
import io.harmonylite.snapshot.RestoreDecision;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.RowsNeverCaptured;
import io.harmonylite.snapshot.SnapshotConfig;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotRestorer;
import io.harmonylite.snapshot.SnapshotSaver;
import io.harmonylite.snapshot.SnapshotSelector;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotStoreFactory;
import io.harmonylite.snapshot.SnapshotTaker;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;

/**
 * The snapshot operations on a stopped node, for the command line: they work on its database file, and reach the
 * store and the shard streams (through {@link Cluster}, opened on first need) for one call. A snapshot is taken only
 * when no stream has a gap for this node's positions; a restore is chosen as on a running node.
 */
final class OfflineSnapshots implements SnapshotOperations, AutoCloseable {

	private final HarmonyLiteConfig config;

	private final Clock clock;

	private final Cluster cluster;

	private @Nullable SnapshotStore store;

	/**
	 * Creates the operations of a stopped node.
	 * @param config the node's configuration
	 * @param clock the clock
	 * @param cluster the NATS side, opened on first use and closed with these operations
	 */
	OfflineSnapshots(HarmonyLiteConfig config, Clock clock, Cluster cluster) {
		this.config = config;
		this.clock = clock;
		this.cluster = cluster;
	}

	@Override
	public List<SnapshotMetadata> list() {
		return store().list();
	}

	@Override
	public SnapshotMetadata take() {
		SnapshotConfig snapshot = this.config.snapshot();
		SnapshotTaker taker = new SnapshotTaker(this.config.dbPath(), this.config.nodeId(), replicatedTables(),
				this::gap, snapshot.workDirectory(this.config.dbPath()), this.clock);
		return new SnapshotSaver(taker, store(), snapshot.keep()).save();
	}

	@Override
	public RestoreOutcome restore(@Nullable String id) {
		String hash;
		try (Connection connection = SqliteConnections.open(this.config.dbPath())) {
			hash = replicatedTables().schemaHash(connection);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read " + this.config.dbPath() + ": " + ex.getMessage(), ex);
		}
		SnapshotStore snapshots = store();
		RestoreDecision decision = SnapshotSelector.choose(id, snapshots.list(), snapshots.toString(), hash,
				NodeSnapshots.streamStates(this.cluster.sources()));
		if (decision instanceof RestoreDecision.Restore restore) {
			if (ReplicationState.isAbsent(this.config.dbPath())) {
				// As at a new node's start: its rows were never captured, the snapshot replaces them.
				new RowsNeverCaptured(this.config.nodeId(), this.config.dbPath(), replicatedTables())
					.keepBeforeRestoring(restore.snapshot().id());
			}
			SnapshotConfig snapshot = this.config.snapshot();
			RestoreOutcome outcome = new SnapshotRestorer(this.config.dbPath(), this.config.conflicts(),
					replicatedTables(), snapshot.workDirectory(this.config.dbPath()), this.clock)
				.restore(snapshots, restore.snapshot(), hash);
			installCapture();
			return outcome;
		}
		return new RestoreOutcome.Refused("Node " + this.config.nodeId() + " restores no snapshot: "
				+ ((RestoreDecision.Wait) decision).reason());
	}

	/**
	 * Captures the writes made from now on, before the node first starts: a database restored before it ever ran has
	 * no capture triggers yet, and rows written into it until its start would otherwise never reach the cluster.
	 */
	private void installCapture() {
		try {
			new OfflineCapture(this.config).install();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Restored, but could not install change capture into "
					+ this.config.dbPath() + ": " + ex.getMessage() + "; start the node before writing to it", ex);
		}
	}

	/**
	 * The {@link ConsistencyCheck} of a stopped node: no stream has a gap for its positions.
	 */
	private Optional<String> gap() {
		try (ChangeApplier applier = ChangeApplier.open(this.config.dbPath())) {
			Map<String, Long> positions = applier.positions();
			for (ShardSource source : this.cluster.sources()) {
				StreamGap gap = StreamGap.find(source.stream(), positions.getOrDefault(source.stream(), 0L),
						source.state(), (identity) -> applier.confirmStreamIdentity(source.stream(), identity),
						source::holds);
				if (gap != null) {
					return Optional.of("stream " + gap.stream() + " " + gap.problem());
				}
			}
			return Optional.empty();
		}
	}

	private SnapshotStore store() {
		if (this.store == null) {
			SnapshotConfig snapshot = this.config.snapshot();
			this.store = switch (snapshot.store()) {
				case NATS -> this.cluster.natsStore(snapshot.bucket());
				case DIRECTORY -> new DirectorySnapshotStore(Objects.requireNonNull(snapshot.directory()));
				case S3 -> SnapshotStoreFactory.load(snapshot);
			};
		}
		return this.store;
	}

	private ReplicatedTables replicatedTables() {
		return new ReplicatedTables(this.config.tables(), this.config.ignoreTables());
	}

	/**
	 * Closes the store and the NATS side.
	 */
	@Override
	public void close() {
		try {
			if (this.store instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}
		catch (Exception ex) {
			throw new HarmonyLiteException("Could not close " + this.store + ": " + ex.getMessage(), ex);
		}
		finally {
			this.cluster.close();
		}
	}

	/**
	 * The NATS side of a stopped node, connected on first use.
	 */
	interface Cluster extends AutoCloseable {

		/**
		 * The snapshot store in a NATS object store bucket.
		 * @param bucket the bucket
		 * @return the store
		 */
		SnapshotStore natsStore(String bucket);

		/**
		 * The node's shard streams, not started.
		 * @return one source per shard
		 */
		List<ShardSource> sources();

		/**
		 * Disconnects, when connected.
		 */
		@Override
		void close();

	}

}
