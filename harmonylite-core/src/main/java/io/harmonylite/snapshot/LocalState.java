package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.sqlite.SqlIdentifiers;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * The part of a live database that stays when a snapshot is restored into it: HarmonyLite's node-local tables (see
 * {@link SnapshotTables}), the user tables the node does not replicate, and HarmonyLite's triggers. Copied into the
 * restore image, with the record of the restore, just before the image replaces the live database. The version state
 * comes from the snapshot, except for the clock, which keeps the larger of both values.
 */
final class LocalState {

	private static final String LIVE = "live";

	private final Path database;

	private final ReplicatedTables replicatedTables;

	LocalState(Path database, ReplicatedTables replicatedTables) {
		this.database = database;
		this.replicatedTables = replicatedTables;
	}

	/**
	 * Removes from an image everything the live database keeps for itself, so that none of it comes from the snapshot.
	 * @param image a connection to the image, in auto-commit mode
	 * @throws SQLException if the image cannot be changed
	 */
	void removeFrom(Connection image) throws SQLException {
		Set<String> local = localTables();
		for (String trigger : SqliteSchema.internalTriggers(image, "main")) {
			SqliteSchema.execute(image, "DROP TRIGGER " + SqlIdentifiers.quote(trigger));
		}
		for (String table : SqliteSchema.tables(image, "main")) {
			if (SnapshotTables.isNodeLocal(table) || local.contains(table)) {
				SqliteSchema.execute(image, "DROP TABLE " + SqlIdentifiers.quote(table));
			}
		}
	}

	/**
	 * Copies the live database's local state into an image, replacing what the image has of it, and records the
	 * restore in it; run while the live database's write lock is held, so that no local write is missed.
	 * @param image a connection to the image, in auto-commit mode, without open statements
	 * @param snapshotId the snapshot being restored
	 * @param token a random value that proves, once read back from the live database, that the restore took place
	 * @param now the time of the restore
	 * @return the node's own clock before the restore (the image keeps the later of it and the snapshot's)
	 * @throws SQLException if the live database cannot be read or the image cannot be written
	 */
	long copyInto(Connection image, String snapshotId, String token, Instant now) throws SQLException {
		Set<String> local = localTables();
		try (PreparedStatement attach = image.prepareStatement("ATTACH DATABASE ? AS " + LIVE)) {
			attach.setString(1, this.database.toAbsolutePath().toUri() + "?mode=ro");
			attach.execute();
		}
		try {
			image.setAutoCommit(false);
			for (String trigger : SqliteSchema.internalTriggers(image, "main")) {
				SqliteSchema.execute(image, "DROP TRIGGER " + SqlIdentifiers.quote(trigger));
			}
			for (String table : local) {
				copyTable(image, table);
			}
			long ownClock = keepLaterClock(image);
			markRestoredChanges(image);
			for (String sql : schemaSql(image, "type = 'trigger' AND lower(substr(name, 1, ?)) = ?",
					SchemaReader.INTERNAL_PREFIX.length(), SchemaReader.INTERNAL_PREFIX)) {
				SqliteSchema.execute(image, sql);
			}
			SnapshotTables.createRestoreTable(image, "main");
			try (PreparedStatement record = image.prepareStatement("INSERT OR REPLACE INTO main."
					+ SqlIdentifiers.quote(SnapshotTables.RESTORE_TABLE) + " VALUES (1, ?, ?, ?)")) {
				record.setString(1, snapshotId);
				record.setString(2, now.toString());
				record.setString(3, token);
				record.executeUpdate();
			}
			image.commit();
			return ownClock;
		}
		catch (SQLException ex) {
			image.rollback();
			throw ex;
		}
		finally {
			image.setAutoCommit(true);
			SqliteSchema.execute(image, "DETACH DATABASE " + LIVE);
		}
	}

	/**
	 * The conflict clock (replicated state) never goes back on this node: it takes the later of the snapshot's value and
	 * its own, so that this node's next local change still gets a version past every version it has handed out.
	 */
	private static long keepLaterClock(Connection image) throws SQLException {
		if (!SqliteSchema.tableExists(image, LIVE, SnapshotTables.CLOCK_TABLE)) {
			return 0;
		}
		// A snapshot of a release without versions has no clock: the node's own carries on.
		ClockTable.install(image);
		String clock = SqlIdentifiers.quote(SnapshotTables.CLOCK_TABLE);
		long own = SqliteSchema.strings(image, "SELECT coalesce(max(hlc), 0) FROM " + LIVE + "." + clock).stream()
			.mapToLong(Long::parseLong)
			.findFirst()
			.orElse(0);
		ClockTable.advance(image, own);
		return own;
	}

	/**
	 * Marks the node's changes so far as restored: the snapshot's version state does not hold those already cleaned
	 * from the change log, so their echoes must be merged, not skipped. See
	 * {@link LocalChangeRecorder#RESTORED_THROUGH_KEY}.
	 */
	private static void markRestoredChanges(Connection image) throws SQLException {
		if (SqliteSchema.tableExists(image, "main", ChangeCapture.META_TABLE)
				&& SqliteSchema.tableExists(image, "main", ChangeCapture.CHANGE_LOG_TABLE)) {
			try (PreparedStatement mark = image.prepareStatement("INSERT OR REPLACE INTO main."
					+ SqlIdentifiers.quote(ChangeCapture.META_TABLE) + " (key, value) SELECT ?, coalesce(max(id), 0) "
					+ "FROM main." + SqlIdentifiers.quote(ChangeCapture.CHANGE_LOG_TABLE))) {
				mark.setString(1, LocalChangeRecorder.RESTORED_THROUGH_KEY);
				mark.executeUpdate();
			}
		}
	}

	private void copyTable(Connection image, String table) throws SQLException {
		String quoted = SqlIdentifiers.quote(table);
		SqliteSchema.execute(image, "DROP TABLE IF EXISTS main." + quoted);
		// The table's own SQL (it names no schema, so it creates the table in main), then its indexes and triggers.
		for (String sql : schemaSql(image, "type = 'table' AND name = ?", table)) {
			SqliteSchema.execute(image, sql);
		}
		SqliteSchema.execute(image, "INSERT INTO main." + quoted + " SELECT * FROM " + LIVE + "." + quoted);
		for (String sql : schemaSql(image, "type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL "
				+ "AND lower(substr(name, 1, ?)) <> ?", table, SchemaReader.INTERNAL_PREFIX.length(),
				SchemaReader.INTERNAL_PREFIX)) {
			SqliteSchema.execute(image, sql);
		}
		// An AUTOINCREMENT table's counter; copying the table's SQL created main.sqlite_sequence for it.
		if (SqliteSchema.tableExists(image, LIVE, "sqlite_sequence") && !SqliteSchema
			.strings(image, "SELECT seq FROM " + LIVE + ".sqlite_sequence WHERE name = ?", table)
			.isEmpty()) {
			try (PreparedStatement sequence = image.prepareStatement("INSERT INTO main.sqlite_sequence (name, seq) "
					+ "SELECT name, seq FROM " + LIVE + ".sqlite_sequence WHERE name = ?")) {
				sequence.setString(1, table);
				sequence.executeUpdate();
			}
		}
	}

	private static List<String> schemaSql(Connection image, String where, Object... parameters) throws SQLException {
		return SqliteSchema.strings(image, "SELECT sql FROM " + LIVE + ".sqlite_schema WHERE " + where + " ORDER BY rowid",
				parameters);
	}

	private Set<String> localTables() throws SQLException {
		try (Connection live = SqliteConnections.open(this.database)) {
			return SnapshotTables.nodeLocalTables(live, this.replicatedTables);
		}
	}

}
