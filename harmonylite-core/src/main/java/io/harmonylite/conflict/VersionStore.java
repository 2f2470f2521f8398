package io.harmonylite.conflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

	static final String QUOTED = "\"" + TABLE + "\"";

	/** Keys per IN-list read: one statement reads this many rows (the last key repeats to fill a short chunk). */
	private static final int IN_CHUNK = 32;

	/** Live rows per multi-row upsert. */
	private static final int WRITE_CHUNK = 64;

	/** Keys per range read. */
	private static final int RANGE_CHUNK = 256;

	/** The version table's key order: table, then the encoded key's bytes. */
	private static final Comparator<Map.Entry<RowKey, @Nullable RowState>> KEY_ORDER = (a, b) -> {
		int byTable = a.getKey().table().compareTo(b.getKey().table());
		return (byTable != 0) ? byTable : Arrays.compareUnsigned(a.getKey().key(), b.getKey().key());
	};

	private final Connection connection;

	private PreparedStatement range;

	private PreparedStatement select;

	private PreparedStatement replaceLive;

	private PreparedStatement liveChunk;

	private PreparedStatement replaceDeleted;

	private PreparedStatement delete;

	/**
	 * Creates the table if missing and prepares the statements.
	 * @param connection a connection to the database, in auto-commit mode
	 * @throws SQLException if the table cannot be created
	 */
	VersionStore(Connection connection) throws SQLException {
		this.connection = connection;
		install(connection);
		prepare();
	}

	private void prepare() throws SQLException {
		Connection connection = this.connection;
		StringBuilder in = new StringBuilder();
		for (int i = 0; i < IN_CHUNK; i++) {
			in.append((i > 0) ? ", ?" : "?");
		}
		// The ghost only of deleted rows: reading a NULL costs less than a blob.
		String columns = "pk, vv, CASE WHEN tombstone IS NULL THEN NULL ELSE ghost END";
		this.range = connection.prepareStatement(
				"SELECT " + columns + " FROM " + QUOTED + " WHERE tbl = ? AND pk BETWEEN ? AND ? LIMIT ?");
		this.select = connection
			.prepareStatement("SELECT " + columns + " FROM " + QUOTED + " WHERE tbl = ? AND pk IN (" + in + ")");
		// Upserts, not INSERT OR REPLACE: an existing row is updated in place instead of deleted (with its index
		// entry) and inserted again, which costs about twice as much.
		this.replaceLive = connection.prepareStatement(upsertLive(1));
		this.liveChunk = connection.prepareStatement(upsertLive(WRITE_CHUNK));
		this.replaceDeleted = connection.prepareStatement("INSERT INTO " + QUOTED
				+ " (tbl, pk, vv, ghost, tombstone) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tbl, pk) DO UPDATE SET "
				+ "vv = excluded.vv, ghost = excluded.ghost, tombstone = excluded.tombstone");
		this.delete = connection.prepareStatement("DELETE FROM " + QUOTED + " WHERE tbl = ? AND pk = ?");
	}

	private static String upsertLive(int rows) {
		return "INSERT INTO " + QUOTED + " (tbl, pk, vv) VALUES " + "(?, ?, ?), ".repeat(rows - 1)
				+ "(?, ?, ?) ON CONFLICT (tbl, pk) DO UPDATE SET vv = excluded.vv, ghost = NULL, tombstone = NULL";
	}

	/**
	 * Prepares the statements again; call after a failed transaction. sqlite-jdbc finalizes a statement that fails
	 * with an I/O error or a full disk (a query, or an update outside a batch), after which every call fails with
	 * "statement is not executing".
	 * @throws SQLException if they cannot be prepared
	 */
	void reset() throws SQLException {
		for (PreparedStatement statement : statements()) {
			try {
				statement.close();
			}
			catch (SQLException ex) {
				// A finalized statement has nothing left to close.
			}
		}
		prepare();
	}

	private List<PreparedStatement> statements() {
		return List.of(this.range, this.select, this.replaceLive, this.liveChunk, this.replaceDeleted, this.delete);
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
	 * Reads the state of rows. Keys are read in sorted runs: first with one range scan per run, which costs little when
	 * the run's keys are new or dense (inserts of new rows, updates of neighbouring rows); a run whose range holds many
	 * other rows is read key by key instead.
	 * @param keys the rows
	 * @return the state of each row that has one
	 * @throws SQLException if a read fails
	 */
	Map<RowKey, RowState> load(Collection<RowKey> keys) throws SQLException {
		Map<String, List<RowKey>> byTable = new LinkedHashMap<>();
		for (RowKey key : keys) {
			byTable.computeIfAbsent(key.table(), (table) -> new ArrayList<>()).add(key);
		}
		Set<RowKey> wanted = (keys instanceof Set<RowKey> set) ? set : new HashSet<>(keys);
		Map<RowKey, RowState> states = new HashMap<>(keys.size() * 2);
		for (Map.Entry<String, List<RowKey>> table : byTable.entrySet()) {
			List<RowKey> sorted = table.getValue();
			// Keys usually arrive in (almost) key order, which this sort then merely checks.
			sorted.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
			for (int from = 0; from < sorted.size(); from += RANGE_CHUNK) {
				List<RowKey> run = sorted.subList(from, Math.min(sorted.size(), from + RANGE_CHUNK));
				if (!loadRange(table.getKey(), run, wanted, states)) {
					loadEach(table.getKey(), run, states);
				}
			}
		}
		return states;
	}

	/**
	 * Reads a run's range into {@code states}, unless it holds more than a few other rows; then reports {@code false}
	 * and leaves {@code states} as it was.
	 */
	private boolean loadRange(String table, List<RowKey> run, Set<RowKey> wanted, Map<RowKey, RowState> states)
			throws SQLException {
		int limit = run.size() + run.size() / 4 + 8;
		this.range.setString(1, table);
		this.range.setBytes(2, run.get(0).key());
		this.range.setBytes(3, run.get(run.size() - 1).key());
		this.range.setInt(4, limit);
		List<RowKey> added = new ArrayList<>();
		int rows = 0;
		try (ResultSet result = this.range.executeQuery()) {
			while (result.next()) {
				rows++;
				RowKey key = new RowKey(table, result.getBytes(1));
				if (wanted.contains(key) && states.put(key, decode(key, result.getBytes(2), result.getBytes(3))) == null) {
					added.add(key);
				}
			}
		}
		if (rows >= limit) {
			added.forEach(states::remove);
			return false;
		}
		return true;
	}

	private void loadEach(String table, List<RowKey> keys, Map<RowKey, RowState> states) throws SQLException {
		for (int from = 0; from < keys.size(); from += IN_CHUNK) {
			this.select.setString(1, table);
			for (int i = 0; i < IN_CHUNK; i++) {
				this.select.setBytes(i + 2, keys.get(Math.min(from + i, keys.size() - 1)).key());
			}
			try (ResultSet rows = this.select.executeQuery()) {
				while (rows.next()) {
					RowKey key = new RowKey(table, rows.getBytes(1));
					states.put(key, decode(key, rows.getBytes(2), rows.getBytes(3)));
				}
			}
		}
	}

	/**
	 * Writes new states and removes others, in key order, so that neighbouring rows are written one after the other.
	 * Live rows go {@value #WRITE_CHUNK} to a statement: one multi-row upsert costs SQLite and the driver about half
	 * as much per row as a statement per row.
	 * @param changes row to its new state, {@code null} to remove the row's state
	 * @throws SQLException if a write fails
	 */
	void write(Map<RowKey, @Nullable RowState> changes) throws SQLException {
		List<Map.Entry<RowKey, @Nullable RowState>> sorted = new ArrayList<>(changes.entrySet());
		sorted.sort(KEY_ORDER);
		int live = 0;
		boolean single = false;
		boolean chunks = false;
		boolean deleted = false;
		boolean removed = false;
		for (Map.Entry<RowKey, @Nullable RowState> change : sorted) {
			RowState state = change.getValue();
			if (state != null && state.ghost() == null) {
				live++;
			}
		}
		int chunked = live - live % WRITE_CHUNK;
		int inChunk = 0;
		int liveSeen = 0;
		for (Map.Entry<RowKey, @Nullable RowState> change : sorted) {
			RowKey key = change.getKey();
			RowState state = change.getValue();
			if (state != null && state.ghost() == null && liveSeen++ < chunked) {
				int first = 3 * inChunk;
				this.liveChunk.setString(first + 1, key.table());
				this.liveChunk.setBytes(first + 2, key.key());
				this.liveChunk.setBytes(first + 3, state.versions().encode());
				if (++inChunk == WRITE_CHUNK) {
					this.liveChunk.addBatch();
					inChunk = 0;
					chunks = true;
				}
				continue;
			}
			PreparedStatement statement;
			if (state == null) {
				statement = this.delete;
				removed = true;
			}
			else if (state.ghost() == null) {
				statement = this.replaceLive;
				statement.setBytes(3, state.versions().encode());
				single = true;
			}
			else {
				statement = this.replaceDeleted;
				statement.setBytes(3, state.versions().encode());
				statement.setBytes(4, RowState.encodeGhost(state.ghost()));
				statement.setLong(5, state.versions().tombstone().hlc());
				deleted = true;
			}
			statement.setString(1, key.table());
			statement.setBytes(2, key.key());
			statement.addBatch();
		}
		try {
			if (chunks) {
				this.liveChunk.executeBatch();
			}
			if (single) {
				this.replaceLive.executeBatch();
			}
			if (deleted) {
				this.replaceDeleted.executeBatch();
			}
			if (removed) {
				this.delete.executeBatch();
			}
		}
		catch (SQLException ex) {
			for (PreparedStatement statement : List.of(this.liveChunk, this.replaceLive, this.replaceDeleted,
					this.delete)) {
				statement.clearBatch();
			}
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
		for (PreparedStatement statement : statements()) {
			statement.close();
		}
	}

}
