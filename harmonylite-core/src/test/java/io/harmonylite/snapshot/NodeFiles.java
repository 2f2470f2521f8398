package io.harmonylite.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * Databases shaped like a running node's: user tables with capture installed, stream positions and identities, a
 * schema version, and pending changes in the change log.
 */
final class NodeFiles {

	static final String BOOKS = "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author TEXT, "
			+ "price REAL)";

	/** A table the node does not replicate (listed in ignore-tables). */
	static final String DRAFTS = "CREATE TABLE drafts (id INTEGER PRIMARY KEY, note TEXT)";

	static final ReplicatedTables SELECTION = new ReplicatedTables(List.of(), List.of("drafts"));

	private NodeFiles() {
	}

	/**
	 * Creates a node database with the Books and drafts tables and capture installed.
	 */
	static TestDatabase node(Path file) {
		TestDatabase db = new TestDatabase(file);
		db.execute(BOOKS, DRAFTS);
		installCapture(db);
		return db;
	}

	/**
	 * Installs (or refreshes) capture and records the schema hash, as a starting engine does.
	 */
	static void installCapture(TestDatabase db) {
		try (Connection connection = SqliteConnections.open(db.path())) {
			new ChangeCapture(connection, SELECTION.tables(), SELECTION.ignoreTables()).install();
			new SchemaVersionStore(connection).record(SELECTION.schemaHash(connection), HarmonyLiteVersion.current(),
					Instant.now());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Writes stream positions and identities as the apply loop does (same tables, same columns).
	 */
	static void positions(TestDatabase db, Map<String, Long> positions, Map<String, String> identities) {
		db.execute("CREATE TABLE IF NOT EXISTS \"" + SnapshotTables.POSITIONS
				+ "\" (stream TEXT PRIMARY KEY, sequence INTEGER NOT NULL, updated_at INTEGER)",
				"CREATE TABLE IF NOT EXISTS \"" + SnapshotTables.STREAM_IDENTITIES
						+ "\" (stream TEXT PRIMARY KEY, identity TEXT NOT NULL)");
		positions.forEach((stream, sequence) -> db.update("INSERT INTO \"" + SnapshotTables.POSITIONS
				+ "\" VALUES (?, ?, 0) ON CONFLICT (stream) DO UPDATE SET sequence = excluded.sequence", stream, sequence));
		identities.forEach((stream, identity) -> db.update("INSERT INTO \"" + SnapshotTables.STREAM_IDENTITIES
				+ "\" VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET identity = excluded.identity", stream, identity));
	}

	/**
	 * Inserts books 1..count (captured into the change log).
	 */
	static void books(TestDatabase db, int from, int to) {
		db.execute("WITH RECURSIVE n(i) AS (SELECT " + from + " UNION ALL SELECT i + 1 FROM n WHERE i < " + to + ") "
				+ "INSERT INTO Books SELECT i, 'title ' || i, 'author ' || (i % 97), i * 0.5 FROM n");
	}

	/**
	 * Marks every change in the change log published, as the publisher does after the acknowledgement.
	 */
	static void published(TestDatabase db) {
		db.execute("UPDATE \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" SET state = 1");
	}

	/**
	 * Decompresses a taken snapshot into a database file to look inside.
	 */
	static TestDatabase open(TakenSnapshot taken, Path file) {
		try {
			SnapshotFiles.decompress(taken.data(), file, taken.metadata());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new TestDatabase(file);
	}

}
