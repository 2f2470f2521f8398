package io.harmonylite.snapshot;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.apply.DeadLetteredChanges;
import io.harmonylite.schema.SchemaHasher;
import io.harmonylite.sqlite.SqlIdentifiers;
import io.harmonylite.sqlite.SqliteConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a snapshot of a live database while the application keeps writing: {@code VACUUM INTO} copies it inside one
 * read transaction (so the data and the stream positions written with it are from the same moment, and writers are
 * not blocked in WAL mode), then the copy loses everything that is not replicated state (see {@link SnapshotTables}:
 * the change log, the node's identity, capture triggers, and the user tables this node does not replicate), is
 * described and compressed.
 *
 * @since 0.1.0
 */
public final class SnapshotTaker {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotTaker.class);

	private final Path database;

	private final long nodeId;

	private final ReplicatedTables replicatedTables;

	private final ConsistencyCheck consistency;

	private final Path workDirectory;

	private final Clock clock;

	/**
	 * Creates a taker.
	 * @param database the live database file
	 * @param nodeId this node's id
	 * @param replicatedTables the node's table selection
	 * @param consistency whether the node may take a snapshot now
	 * @param workDirectory where the copy is made and compressed (needs about twice the database's size)
	 * @param clock the clock for the creation time
	 */
	public SnapshotTaker(Path database, long nodeId, ReplicatedTables replicatedTables, ConsistencyCheck consistency,
			Path workDirectory, Clock clock) {
		this.database = database;
		this.nodeId = nodeId;
		this.replicatedTables = replicatedTables;
		this.consistency = consistency;
		this.workDirectory = workDirectory;
		this.clock = clock;
	}

	/**
	 * Takes a snapshot.
	 * @return the compressed snapshot in the work directory; close it once stored
	 * @throws SnapshotRefusedException if the node is not consistent now
	 * @throws SnapshotException if the copy cannot be made
	 */
	public TakenSnapshot take() {
		requireConsistent();
		Instant createdAt = this.clock.instant();
		String id = SnapshotMetadata.newId(createdAt, this.nodeId);
		long started = System.nanoTime();
		Path copy = this.workDirectory.resolve(id + ".db");
		Path compressed = this.workDirectory.resolve(SnapshotManifest.dataName(id));
		try {
			Files.createDirectories(this.workDirectory);
			deleteLeftovers();
			copyLive(copy);
			requireConsistent();
			Contents contents = strip(copy);
			long databaseSize = Files.size(copy);
			String sha256 = SnapshotFiles.compress(copy, compressed);
			SnapshotMetadata metadata = new SnapshotMetadata(id, this.nodeId, contents.schemaHash, contents.positions,
					contents.identities, createdAt, Files.size(compressed), databaseSize, sha256, contents.rowCounts,
					HarmonyLiteVersion.current());
			logger.info("Node {}: took snapshot {} in {} ms ({} row(s), {} KiB, {} KiB compressed, schema hash {})",
					this.nodeId, id, Duration.ofNanos(System.nanoTime() - started).toMillis(), metadata.totalRows(),
					databaseSize / 1024, metadata.size() / 1024, SchemaHasher.shortHash(contents.schemaHash));
			return new TakenSnapshot(metadata, compressed);
		}
		catch (IOException | SQLException ex) {
			deleteQuietly(compressed);
			throw new SnapshotException("Node " + this.nodeId + " could not take a snapshot of " + this.database + ": "
					+ ex.getMessage() + ". Check that harmonylite.snapshot.work-directory (" + this.workDirectory
					+ ") is writable and has twice the database's size free", ex);
		}
		catch (RuntimeException ex) {
			deleteQuietly(compressed);
			throw ex;
		}
		finally {
			deleteQuietly(copy);
		}
	}

	/**
	 * Deletes the copies of this node's takes that a crash interrupted (each about the database's size), which would
	 * otherwise stay for good and take the room the next take needs. Takes are made one at a time (see
	 * {@link SnapshotSaver#save()}), and a taken snapshot's file is gone once it is stored.
	 */
	private void deleteLeftovers() throws IOException {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.workDirectory,
				"*-n" + this.nodeId + "-*{.db," + SnapshotManifest.DATA_SUFFIX + "}")) {
			for (Path file : files) {
				logger.info("Node {}: deleting {}, left by a snapshot that a crash interrupted", this.nodeId, file);
				Files.deleteIfExists(file);
			}
		}
	}

	private void requireConsistent() {
		Optional<String> blocker = this.consistency.blocker();
		if (blocker.isPresent()) {
			throw new SnapshotRefusedException("Node " + this.nodeId + " takes no snapshot now: " + blocker.get()
					+ ". A snapshot is taken only while every shard is running without a gap; it is tried again "
					+ "at the next harmonylite.snapshot.interval");
		}
	}

	private void copyLive(Path copy) throws SQLException, IOException {
		Files.deleteIfExists(copy);
		try (Connection live = SqliteConnections.open(this.database);
				PreparedStatement vacuum = live.prepareStatement("VACUUM INTO ?")) {
			vacuum.setString(1, copy.toAbsolutePath().toString());
			vacuum.execute();
		}
	}

	private Contents strip(Path copy) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy.toAbsolutePath())) {
			// Freed pages are zeroed, so that what is stripped does not travel in the file (and compresses to nothing).
			SqliteSchema.execute(connection, "PRAGMA journal_mode = DELETE");
			SqliteSchema.execute(connection, "PRAGMA secure_delete = ON");
			connection.setAutoCommit(false);
			// Read from the copy itself: a change dead-lettered after the node was last found consistent counts too.
			Map<String, DeadLetteredChanges.Lacking> lacking = DeadLetteredChanges.byTable(connection);
			if (!lacking.isEmpty()) {
				throw new SnapshotRefusedException("Node " + this.nodeId + " takes no snapshot now: "
						+ DeadLetteredChanges.describe(lacking));
			}
			for (String trigger : SqliteSchema.internalTriggers(connection, "main")) {
				SqliteSchema.execute(connection, "DROP TRIGGER " + SqlIdentifiers.quote(trigger));
			}
			for (String table : SnapshotTables.nodeLocalTables(connection, this.replicatedTables)) {
				SqliteSchema.execute(connection, "DROP TABLE " + SqlIdentifiers.quote(table));
			}
			Contents contents = new Contents(this.replicatedTables.schemaHash(connection),
					longs(SqliteSchema.tableExists(connection, "main", SnapshotTables.POSITIONS) ? SqliteSchema
						.pairs(connection, "SELECT stream, sequence FROM " + SqlIdentifiers.quote(SnapshotTables.POSITIONS))
							: Map.of()),
					texts(SqliteSchema.tableExists(connection, "main", SnapshotTables.STREAM_IDENTITIES) ? SqliteSchema
						.pairs(connection,
								"SELECT stream, identity FROM " + SqlIdentifiers.quote(SnapshotTables.STREAM_IDENTITIES))
							: Map.of()),
					rowCounts(connection));
			connection.commit();
			return contents;
		}
	}

	private static Map<String, Long> rowCounts(Connection connection) throws SQLException {
		Map<String, Long> counts = new TreeMap<>();
		for (String table : SqliteSchema.tables(connection, "main")) {
			counts.put(table, SqliteSchema.count(connection, "main", table));
		}
		return counts;
	}

	private static Map<String, Long> longs(Map<String, Object> pairs) {
		Map<String, Long> longs = new LinkedHashMap<>();
		pairs.forEach((key, value) -> longs.put(key, ((Number) value).longValue()));
		return longs;
	}

	private static Map<String, String> texts(Map<String, Object> pairs) {
		Map<String, String> texts = new LinkedHashMap<>();
		pairs.forEach((key, value) -> texts.put(key, String.valueOf(value)));
		return texts;
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.warn("Could not delete the temporary snapshot file {}: {}", file, ex.getMessage());
		}
	}

	private record Contents(String schemaHash, Map<String, Long> positions, Map<String, String> identities,
			Map<String, Long> rowCounts) {
	}

}
