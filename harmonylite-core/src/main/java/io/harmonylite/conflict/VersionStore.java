package io.harmonylite.conflict;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.MalformedEventException;
import io.harmonylite.schema.SchemaReader;
import org.jspecify.annotations.Nullable;

/**
 * The version state of rows, in {@value #TABLE}: one row per replicated row that has versions, keyed by table and
 * encoded primary key, holding the column versions, the tombstone and the ghost values of a deleted row. Reads and
 * writes go in batches; call everything inside the caller's write transaction.
 */
final class VersionStore implements AutoCloseable {

	/** The version table's name. */
	static final String TABLE = SchemaReader.INTERNAL_PREFIX + "row_version";

	private static final String QUOTED = "\"" + TABLE + "\"";

	/** Keys per read: one statement reads this many rows (the last key repeats to fill a short chunk). */
	private static final int CHUNK = 128;

	private final Connection connection;

	private final PreparedStatement select;

	private final PreparedStatement replace;

	private final PreparedStatement delete;

	/**
	 * Creates the table if missing and prepares the statements.
	 * @param connection a connection to the database, in auto-commit mode
	 * @throws SQLException if the table cannot be created
	 */
	VersionStore(Connection connection) throws SQLException {
		this.connection = connection;
		install(connection);
		StringBuilder in = new StringBuilder();
		for (int i = 0; i < CHUNK; i++) {
			in.append((i > 0) ? ", ?" : "?");
		}
		this.select = connection
			.prepareStatement("SELECT pk, vv, ghost FROM " + QUOTED + " WHERE tbl = ? AND pk IN (" + in + ")");
		this.replace = connection
			.prepareStatement("INSERT OR REPLACE INTO " + QUOTED + " (tbl, pk, vv, ghost, tombstone) VALUES (?, ?, ?, ?, ?)");
		this.delete = connection.prepareStatement("DELETE FROM " + QUOTED + " WHERE tbl = ? AND pk = ?");
	}

	/**
	 * Creates the version table if missing: {@code tombstone} repeats the clock value of a deleted row's tombstone, for
	 * the cleanup of old tombstones through a partial index that live rows do not pay for.
	 * @param connection a connection to the database
	 * @throws SQLException if the table cannot be created
	 */
	static void install(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS " + QUOTED + " (tbl TEXT NOT NULL, pk BLOB NOT NULL, "
					+ "vv BLOB NOT NULL, ghost BLOB, tombstone INTEGER, PRIMARY KEY (tbl, pk)) WITHOUT ROWID");
			statement.execute("CREATE INDEX IF NOT EXISTS \"" + TABLE + "_tombstone\" ON " + QUOTED
					+ " (tombstone) WHERE tombstone IS NOT NULL");
		}
	}

	/**
	 * Reads the state of rows.
	 * @param keys the rows
	 * @return the state of each row that has one
	 * @throws SQLException if a read fails
	 */
	Map<RowKey, RowState> load(Collection<RowKey> keys) throws SQLException {
		Map<String, List<RowKey>> byTable = new LinkedHashMap<>();
		for (RowKey key : keys) {
			byTable.computeIfAbsent(key.table(), (table) -> new ArrayList<>()).add(key);
		}
		Map<RowKey, RowState> states = new HashMap<>(keys.size() * 2);
		for (Map.Entry<String, List<RowKey>> table : byTable.entrySet()) {
			List<RowKey> tableKeys = table.getValue();
			for (int from = 0; from < tableKeys.size(); from += CHUNK) {
				this.select.setString(1, table.getKey());
				for (int i = 0; i < CHUNK; i++) {
					this.select.setBytes(i + 2, tableKeys.get(Math.min(from + i, tableKeys.size() - 1)).key());
				}
				try (ResultSet rows = this.select.executeQuery()) {
					while (rows.next()) {
						RowKey key = new RowKey(table.getKey(), rows.getBytes(1));
						states.put(key, decode(key, rows.getBytes(2), rows.getBytes(3)));
					}
				}
			}
		}
		return states;
	}

	/**
	 * Writes new states and removes others.
	 * @param changes row to its new state, {@code null} to remove the row's state
	 * @throws SQLException if a write fails
	 */
	void write(Map<RowKey, @Nullable RowState> changes) throws SQLException {
		boolean replaced = false;
		boolean deleted = false;
		for (Map.Entry<RowKey, @Nullable RowState> change : changes.entrySet()) {
			RowKey key = change.getKey();
			RowState state = change.getValue();
			if (state == null) {
				this.delete.setString(1, key.table());
				this.delete.setBytes(2, key.key());
				this.delete.addBatch();
				deleted = true;
				continue;
			}
			this.replace.setString(1, key.table());
			this.replace.setBytes(2, key.key());
			this.replace.setBytes(3, state.versions().encode());
			byte[] ghost = RowState.encodeGhost(state.ghost());
			if (ghost != null) {
				this.replace.setBytes(4, ghost);
				this.replace.setLong(5, state.versions().tombstone().hlc());
			}
			else {
				this.replace.setNull(4, Types.BLOB);
				this.replace.setNull(5, Types.INTEGER);
			}
			this.replace.addBatch();
			replaced = true;
		}
		try {
			if (replaced) {
				this.replace.executeBatch();
			}
			if (deleted) {
				this.delete.executeBatch();
			}
		}
		catch (BatchUpdateException ex) {
			this.replace.clearBatch();
			this.delete.clearBatch();
			throw ex;
		}
	}

	/**
	 * Removes tombstones older than a clock value, with their row's state: a change older than the tombstone that
	 * arrives afterwards finds no tombstone and may bring the row back.
	 * @param hlc the oldest tombstone to keep
	 * @return how many were removed
	 * @throws SQLException if the delete fails
	 */
	int deleteTombstonesBefore(long hlc) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("DELETE FROM " + QUOTED + " WHERE tombstone IS NOT NULL AND tombstone < ?")) {
			statement.setLong(1, hlc);
			return statement.executeUpdate();
		}
	}

	private static RowState decode(RowKey key, byte[] versions, byte @Nullable [] ghost) {
		try {
			return new RowState(RowVersions.decode(versions), RowState.decodeGhost(ghost));
		}
		catch (MalformedEventException | IllegalArgumentException | java.nio.BufferUnderflowException ex) {
			throw new HarmonyLiteException("The version state of a row of table '" + key.table() + "' in " + TABLE
					+ " is corrupt (" + ex.getMessage() + "). Delete that row of " + TABLE
					+ " to let the row's next change decide, or restore a snapshot.", ex);
		}
	}

	@Override
	public void close() throws SQLException {
		try (PreparedStatement s = this.select; PreparedStatement r = this.replace; PreparedStatement d = this.delete) {
			// Closed in reverse order by try-with-resources.
		}
	}

}
