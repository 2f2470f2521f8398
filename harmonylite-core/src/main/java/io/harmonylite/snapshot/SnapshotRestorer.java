package io.harmonylite.snapshot;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.schema.SchemaHasher;
import io.harmonylite.sqlite.SqlIdentifiers;
import io.harmonylite.sqlite.SqliteConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a snapshot into the live database while the application keeps its connections open, keeping the node's
 * local state.
 * <p>
 * The snapshot is downloaded, checked (size, SHA-256, schema hash under this node's table selection), decompressed
 * into a restore image, and installed by {@link LiveRestore}: in one write transaction of the live database, with the
 * node's local state (its unpublished changes, capture epoch and layouts, schema version, unreplicated tables,
 * capture triggers; see {@link SnapshotTables}) copied into the image under the write lock, and the node's own changes
 * still in its change log merged into the image's tables by the conflict rule ({@link LocalChangeMerge}). Local writes
 * therefore survive and stay visible: the restored tables show them, pending ones are published after the restore,
 * and their echoes are superseded here like any change seen twice. A crash at any point leaves either the old or the
 * new database.
 * <p>
 * The caller stops applying changes to this database during the restore (the engine's apply loop), and resumes each
 * stream after the position returned.
 *
 * @since 0.1.0
 */
public final class SnapshotRestorer {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotRestorer.class);

	private static final String IMAGE_SUFFIX = ".restore.db";

	private static final String DOWNLOAD_SUFFIX = ".download";

	private final Path database;

	private final ConflictSettings conflicts;

	private final ReplicatedTables replicatedTables;

	private final Path workDirectory;

	private final Clock clock;

	/**
	 * Creates a restorer.
	 * @param database the live database file
	 * @param conflicts this node's id and maximum clock skew, for merging its own changes into the restored tables
	 * @param replicatedTables the node's table selection
	 * @param workDirectory where the snapshot is downloaded and the image built (needs about twice the database size)
	 * @param clock this node's clock, for the restore record and the versions of its pending changes
	 */
	public SnapshotRestorer(Path database, ConflictSettings conflicts, ReplicatedTables replicatedTables,
			Path workDirectory, Clock clock) {
		this.database = database;
		this.conflicts = conflicts;
		this.replicatedTables = replicatedTables;
		this.workDirectory = workDirectory;
		this.clock = clock;
	}

	/**
	 * Restores a snapshot.
	 * @param store the store holding it
	 * @param snapshot the snapshot
	 * @param localSchemaHash this node's current schema hash
	 * @return {@link RestoreOutcome.Restored} with the positions to resume from, or {@link RestoreOutcome.Refused}
	 * when the snapshot does not fit this node's schema (the database is then unchanged)
	 * @throws SnapshotException if the snapshot cannot be read or installed; the database is then unchanged
	 */
	public RestoreOutcome restore(SnapshotStore store, SnapshotMetadata snapshot, String localSchemaHash) {
		return restore(store, snapshot, localSchemaHash, RestoreProgress.NONE);
	}

	/**
	 * Restores a snapshot, reporting the progress of the copy.
	 * @param store the store holding it
	 * @param snapshot the snapshot
	 * @param localSchemaHash this node's current schema hash
	 * @param progress told how far the copy into the live database has come
	 * @return {@link RestoreOutcome.Restored} with the positions to resume from, or {@link RestoreOutcome.Refused}
	 * when the snapshot does not fit this node's schema (the database is then unchanged)
	 * @throws SnapshotException if the snapshot cannot be read or installed; the database is then unchanged
	 */
	public RestoreOutcome restore(SnapshotStore store, SnapshotMetadata snapshot, String localSchemaHash,
			RestoreProgress progress) {
		if (!snapshot.schemaHash().equals(localSchemaHash)) {
			return refusedForSchema(snapshot, snapshot.schemaHash(), localSchemaHash);
		}
		long started = System.nanoTime();
		Path download = this.workDirectory.resolve(snapshot.id() + DOWNLOAD_SUFFIX);
		Path image = this.workDirectory.resolve(snapshot.id() + IMAGE_SUFFIX);
		try {
			Files.createDirectories(this.workDirectory);
			deleteLeftovers();
			SnapshotMetadata stored = store.get(snapshot.id(), download);
			SnapshotFiles.decompress(download, image, stored);
			Files.delete(download);
			try (Connection imageConnection = DriverManager.getConnection("jdbc:sqlite:" + image.toAbsolutePath())) {
				prepare(imageConnection);
				String imageHash;
				try {
					imageHash = this.replicatedTables.schemaHash(imageConnection);
				}
				catch (HarmonyLiteException ex) {
					return refused("Snapshot " + snapshot.id() + " of node " + snapshot.nodeId() + " does not hold "
							+ "the tables node " + this.conflicts.nodeId() + " replicates: " + ex.getMessage());
				}
				if (!imageHash.equals(localSchemaHash)) {
					return refusedForSchema(snapshot, imageHash, localSchemaHash);
				}
				warnOfReplacedSchemaObjects(snapshot, imageConnection);
				install(snapshot, image, imageConnection, progress);
			}
			RestoreOutcome.Restored restored = restored(snapshot, Duration.ofNanos(System.nanoTime() - started));
			logger.info("Node {}: restored snapshot {} of node {} in {} ms ({} row(s)); resuming at {}", this.conflicts.nodeId(),
					snapshot.id(), snapshot.nodeId(), restored.took().toMillis(), snapshot.totalRows(),
					restored.positions());
			return restored;
		}
		catch (IOException | SQLException ex) {
			throw new SnapshotException("Node " + this.conflicts.nodeId() + " could not restore snapshot " + snapshot.id() + " into "
					+ this.database + ": " + ex.getMessage() + "; the database is unchanged. Check that "
					+ "harmonylite.snapshot.work-directory (" + this.workDirectory + ") is writable and has twice the "
					+ "snapshot's database size free", ex);
		}
		finally {
			deleteQuietly(download);
			deleteQuietly(image);
		}
	}

	/**
	 * Readies the image: no journal but a rollback one, the live database's page size (the backup API cannot change
	 * the page size of a WAL database), none of the state the live database keeps for itself.
	 */
	private void prepare(Connection image) throws SQLException {
		SqliteSchema.execute(image, "PRAGMA journal_mode = DELETE");
		int livePageSize;
		try (Connection live = SqliteConnections.open(this.database)) {
			livePageSize = pageSize(live);
		}
		if (pageSize(image) != livePageSize) {
			SqliteSchema.execute(image, "PRAGMA page_size = " + livePageSize);
			SqliteSchema.execute(image, "VACUUM");
		}
		new LocalState(this.database, this.replicatedTables).removeFrom(image);
		SnapshotTables.createRestoreTable(image, "main");
	}

	private void install(SnapshotMetadata snapshot, Path image, Connection imageConnection, RestoreProgress progress)
			throws SQLException {
		String token = HexFormat.of().formatHex(randomBytes());
		LocalState local = new LocalState(this.database, this.replicatedTables);
		LocalChangeMerge ownChanges = new LocalChangeMerge(this.conflicts, this.replicatedTables, this.clock);
		new LiveRestore(this.database).run(image, imageConnection, (connection) -> {
			long ownClock = local.copyInto(connection, snapshot.id(), token, this.clock.instant());
			ownChanges.mergeInto(image, ownClock);
		}, progress);
		try (Connection live = SqliteConnections.open(this.database)) {
			List<String> recorded = SqliteSchema.tableExists(live, "main", SnapshotTables.RESTORE_TABLE)
					? SqliteSchema.strings(live, "SELECT token FROM " + SqlIdentifiers.quote(SnapshotTables.RESTORE_TABLE))
					: List.of();
			if (!recorded.equals(List.of(token))) {
				throw new SQLException("the copy did not reach the database (another connection kept it locked "
						+ "longer than " + SqliteConnections.BUSY_TIMEOUT.toSeconds() + " s, or it is read-only)");
			}
		}
	}

	private void warnOfReplacedSchemaObjects(SnapshotMetadata snapshot, Connection image) throws SQLException {
		List<String> replaced;
		try (Connection live = SqliteConnections.open(this.database)) {
			replaced = ReplacedSchemaObjects.between(live, image);
		}
		if (!replaced.isEmpty()) {
			logger.warn("Node {}: snapshot {} brings node {}'s schema objects, which differ from this node's: {}. The "
					+ "schema hash covers tables and columns only; after the restore this node has the snapshot's "
					+ "constraints, indexes, triggers and views. Apply your own DDL again if they should differ",
					this.conflicts.nodeId(), snapshot.id(), snapshot.nodeId(), String.join(", ", replaced));
		}
	}

	private RestoreOutcome.Restored restored(SnapshotMetadata snapshot, Duration took) throws SQLException {
		try (Connection live = SqliteConnections.open(this.database)) {
			Map<String, Long> positions = new LinkedHashMap<>();
			Map<String, String> identities = new LinkedHashMap<>();
			if (SqliteSchema.tableExists(live, "main", SnapshotTables.POSITIONS)) {
				SqliteSchema.pairs(live, "SELECT stream, sequence FROM " + SqlIdentifiers.quote(SnapshotTables.POSITIONS))
					.forEach((stream, sequence) -> positions.put(stream, ((Number) sequence).longValue()));
			}
			if (SqliteSchema.tableExists(live, "main", SnapshotTables.STREAM_IDENTITIES)) {
				SqliteSchema.pairs(live, "SELECT stream, identity FROM " + SqlIdentifiers.quote(SnapshotTables.STREAM_IDENTITIES))
					.forEach((stream, identity) -> identities.put(stream, String.valueOf(identity)));
			}
			return new RestoreOutcome.Restored(snapshot.id(), positions, identities, took);
		}
	}

	private RestoreOutcome.Refused refusedForSchema(SnapshotMetadata snapshot, String snapshotHash, String localHash) {
		return refused("Snapshot " + snapshot.id() + " of node " + snapshot.nodeId() + " has schema hash "
				+ SchemaHasher.shortHash(snapshotHash) + ", node " + this.conflicts.nodeId() + " has "
				+ SchemaHasher.shortHash(localHash) + "; it is not installed. Apply the same migrations on this node "
				+ "(or wait for a snapshot taken after the cluster's migration), and check that harmonylite.tables and "
				+ "harmonylite.ignore-tables match the other nodes'");
	}

	private RestoreOutcome.Refused refused(String reason) {
		logger.warn("Node {}: {}", this.conflicts.nodeId(), reason);
		return new RestoreOutcome.Refused(reason);
	}

	private void deleteLeftovers() throws IOException {
		// Files of a restore interrupted by a crash.
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.workDirectory,
				"*{" + IMAGE_SUFFIX + "," + DOWNLOAD_SUFFIX + "}*")) {
			for (Path file : files) {
				Files.deleteIfExists(file);
			}
		}
	}

	private static int pageSize(Connection connection) throws SQLException {
		return Integer.parseInt(SqliteSchema.strings(connection, "PRAGMA page_size").get(0));
	}

	private static byte[] randomBytes() {
		byte[] bytes = new byte[16];
		ThreadLocalRandom.current().nextBytes(bytes);
		return bytes;
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
			Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-journal"));
		}
		catch (IOException ex) {
			logger.warn("Could not delete the temporary restore file {}: {}", file, ex.getMessage());
		}
	}

}
