package io.harmonylite.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, caches and runs the prepared statements that write changes: an UPSERT of a whole row, an UPDATE of some
 * columns by primary key, a DELETE by primary key.
 * <p>
 * Statements are cached per table, kind and column set; a statement is only ever prepared for columns that
 * {@link ChangeValidator} accepted, so every identifier in it is a real column of a real table. Identifiers are
 * quoted, values are always bound parameters with the setter of their storage class.
 * <p>
 * An UPDATE that finds no row (one deleted here outside capture, e.g. by a rebuild that lost its rows) writes the
 * change's whole row instead, so that a node missing a row gets it back with the row's next change; such rows are
 * counted by table until {@link #takeMissingRows()}.
 */
final class ApplyStatements implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ApplyStatements.class);

	private final Connection connection;

	private final Map<Key, WriteStatement> cache = new HashMap<>();

	// The statement each kind used last, with its key: a batch mostly repeats one table and column set, and a match
	// here spares hashing the column set for the cache.
	private final @Nullable Key[] lastKeys = new Key[Kind.values().length];

	private final @Nullable WriteStatement[] lastStatements = new WriteStatement[Kind.values().length];

	// Statements with queued writes, in the order they were first used, and the rows those writes are about.
	private final Set<WriteStatement> pending = new LinkedHashSet<>();

	private final Set<Object> pendingRows = new HashSet<>();

	// The rows of the queued UPDATEs, by statement in the order they were queued: written whole if no row was there.
	private final Map<WriteStatement, List<Map<String, @Nullable Object>>> pendingUpdates = new IdentityHashMap<>();

	private final Map<String, Integer> missingRows = new HashMap<>();

	private final Function<String, @Nullable Set<String>> localColumns;

	/**
	 * Creates the statements of one connection.
	 * @param connection the apply connection
	 * @param localColumns a table's writable columns on this node ({@code null} when unknown), for a row written whole
	 */
	ApplyStatements(Connection connection, Function<String, @Nullable Set<String>> localColumns) {
		this.connection = connection;
		this.localColumns = localColumns;
	}

	/**
	 * The values of a row that this node's table has columns for.
	 * @param local the table's columns here, {@code null} when unknown (every value is kept)
	 * @param values the row
	 * @return {@code values} itself when it has no other column, else a copy without the others
	 */
	static Map<String, @Nullable Object> onlyColumns(@Nullable Set<String> local, Map<String, @Nullable Object> values) {
		if (local == null || local.containsAll(values.keySet())) {
			return values;
		}
		Map<String, @Nullable Object> kept = new LinkedHashMap<>(values);
		kept.keySet().retainAll(local);
		return kept;
	}

	/** The kinds of write. */
	enum Kind {

		/** {@code INSERT ... ON CONFLICT (pk) DO UPDATE}: never {@code INSERT OR REPLACE}, which deletes first. */
		UPSERT,

		/** {@code UPDATE ... SET <columns> WHERE <pk>}. */
		UPDATE,

		/** {@code DELETE ... WHERE <pk>}. */
		DELETE

	}

	/**
	 * Finds or prepares the statement for a table, kind and columns.
	 * @param table the table, accepted by {@link ChangeValidator}
	 * @param primaryKey its primary-key columns, in key order
	 * @param kind the kind of write
	 * @param columns the columns written: every column of an UPSERT, the non-key columns an UPDATE sets; ignored for a
	 * DELETE
	 * @return the statement
	 * @throws SQLException if SQLite cannot prepare it
	 */
	WriteStatement statement(String table, List<String> primaryKey, Kind kind, Set<String> columns)
			throws SQLException {
		Set<String> written = (kind == Kind.DELETE) ? Set.of() : columns;
		Key last = this.lastKeys[kind.ordinal()];
		WriteStatement statement = this.lastStatements[kind.ordinal()];
		if (last != null && statement != null && last.table().equals(table) && last.columns().equals(written)
				&& statement.primaryKey().equals(primaryKey)) {
			return statement;
		}
		Key key = new Key(table, kind, Set.copyOf(written));
		statement = this.cache.get(key);
		if (statement == null || !statement.primaryKey().equals(primaryKey)) {
			statement = prepare(table, primaryKey, kind, List.copyOf(written));
			this.cache.put(key, statement);
		}
		this.lastKeys[kind.ordinal()] = key;
		this.lastStatements[kind.ordinal()] = statement;
		return statement;
	}

	private WriteStatement prepare(String table, List<String> primaryKey, Kind kind, List<String> columns)
			throws SQLException {
		String target = "\"main\"." + SqlIdentifiers.quote(table);
		StringBuilder sql = new StringBuilder(128);
		List<String> parameters = new ArrayList<>();
		switch (kind) {
			case UPSERT -> {
				parameters.addAll(columns);
				sql.append("INSERT INTO ").append(target).append(" (").append(quoteAll(columns));
				sql.append(") VALUES (").append("?, ".repeat(columns.size() - 1)).append("?) ON CONFLICT (");
				sql.append(quoteAll(primaryKey)).append(") ");
				List<String> assignments = new ArrayList<>();
				for (String column : columns) {
					if (!primaryKey.contains(column)) {
						String name = SqlIdentifiers.quote(column);
						assignments.add(name + " = excluded." + name);
					}
				}
				sql.append(assignments.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", assignments));
			}
			case UPDATE -> {
				parameters.addAll(columns);
				sql.append("UPDATE ").append(target).append(" SET ");
				for (int i = 0; i < columns.size(); i++) {
					sql.append((i > 0) ? ", " : "").append(SqlIdentifiers.quote(columns.get(i))).append(" = ?");
				}
				appendKeyCondition(sql, primaryKey, parameters);
			}
			case DELETE -> {
				sql.append("DELETE FROM ").append(target);
				appendKeyCondition(sql, primaryKey, parameters);
			}
		}
		return new WriteStatement(this.connection.prepareStatement(sql.toString()), List.copyOf(parameters), table,
				primaryKey, kind);
	}

	private static void appendKeyCondition(StringBuilder sql, List<String> primaryKey, List<String> parameters) {
		sql.append(" WHERE ");
		for (int i = 0; i < primaryKey.size(); i++) {
			// '=' and not 'IS': key values are never NULL (ChangeValidator rejects them).
			sql.append((i > 0) ? " AND " : "").append(SqlIdentifiers.quote(primaryKey.get(i))).append(" = ?");
		}
		parameters.addAll(primaryKey);
	}

	/**
	 * Writes one change at once, after the queued ones.
	 * @param statement the change's statement
	 * @param values the values of the written columns
	 * @param row the change's row, for the key values and columns {@code values} lacks; for an UPDATE, the row
	 * written whole if there is no row to update
	 * @throws SQLException if SQLite refuses the write
	 */
	void execute(WriteStatement statement, Map<String, @Nullable Object> values, Map<String, @Nullable Object> row)
			throws SQLException {
		flush();
		bind(statement, values, row);
		if (statement.statement().executeUpdate() == 0 && statement.kind() == Kind.UPDATE) {
			writeMissingRow(statement, row);
		}
	}

	/**
	 * Queues one change in a JDBC batch of its statement; everything queued is written at the latest by
	 * {@link #flush()}, statement by statement. Writes of one row stay in order: a second write of a row first flushes
	 * what is queued. Writes of different rows may be reordered; should that break a constraint between rows (a
	 * unique value moving from one row to another), the batch fails and is replayed in order with {@link #execute}.
	 * <p>
	 * With sqlite-jdbc, batching is several times faster than one {@code executeUpdate} per change, but a failure
	 * does not say which change failed; replay with {@link #execute} to find out.
	 * @param statement the change's statement
	 * @param rowKey identifies the row written, equal for equal rows
	 * @param values the values of the written columns
	 * @param row the change's row, for the key values and columns {@code values} lacks; for an UPDATE, the row
	 * written whole if there is no row to update
	 * @throws SQLException if SQLite refuses a queued write
	 */
	void add(WriteStatement statement, Object rowKey, Map<String, @Nullable Object> values,
			Map<String, @Nullable Object> row) throws SQLException {
		if (!this.pendingRows.add(rowKey)) {
			flush();
			this.pendingRows.add(rowKey);
		}
		bind(statement, values, row);
		statement.statement().addBatch();
		this.pending.add(statement);
		if (statement.kind() == Kind.UPDATE) {
			this.pendingUpdates.computeIfAbsent(statement, (update) -> new ArrayList<>()).add(row);
		}
	}

	/**
	 * Writes every queued change.
	 * @throws SQLException if SQLite refuses a write
	 */
	void flush() throws SQLException {
		if (this.pending.isEmpty()) {
			return;
		}
		List<WriteStatement> statements = List.copyOf(this.pending);
		this.pending.clear();
		this.pendingRows.clear();
		List<MissingRow> missing = new ArrayList<>();
		for (WriteStatement statement : statements) {
			int[] counts = statement.statement().executeBatch();
			List<Map<String, @Nullable Object>> rows = this.pendingUpdates.remove(statement);
			for (int i = 0; rows != null && i < counts.length; i++) {
				if (counts[i] == 0) {
					missing.add(new MissingRow(statement, rows.get(i)));
				}
			}
		}
		// Once every batch ran (a statement with queued writes must not run another): the rows differ from one another.
		for (MissingRow row : missing) {
			writeMissingRow(row.update(), row.values());
		}
	}

	private void writeMissingRow(WriteStatement update, Map<String, @Nullable Object> changeRow) throws SQLException {
		Map<String, @Nullable Object> row = onlyColumns(this.localColumns.apply(update.table()), changeRow);
		WriteStatement upsert = statement(update.table(), update.primaryKey(), Kind.UPSERT, row.keySet());
		bind(upsert, row, row);
		upsert.statement().executeUpdate();
		this.missingRows.merge(update.table(), 1, Integer::sum);
	}

	/**
	 * The rows an UPDATE found missing and wrote whole since the last call, by table.
	 * @return table to count, empty when none
	 */
	Map<String, Integer> takeMissingRows() {
		if (this.missingRows.isEmpty()) {
			return Map.of();
		}
		Map<String, Integer> taken = Map.copyOf(this.missingRows);
		this.missingRows.clear();
		return taken;
	}

	/**
	 * Closes every cached statement and drops the queued changes; they are prepared again when next needed. Call after
	 * a failed write: sqlite-jdbc leaves a statement that failed unusable.
	 */
	void clear() {
		this.pending.clear();
		this.pendingRows.clear();
		this.pendingUpdates.clear();
		this.missingRows.clear();
		for (WriteStatement statement : this.cache.values()) {
			try {
				statement.statement().close();
			}
			catch (SQLException ex) {
				// Not fatal: a statement that cannot be finalized goes with its connection.
				logger.warn("Could not close a cached apply statement: {}", ex.getMessage());
			}
		}
		this.cache.clear();
		Arrays.fill(this.lastKeys, null);
		Arrays.fill(this.lastStatements, null);
	}

	@Override
	public void close() {
		clear();
	}

	private static String quoteAll(List<String> columns) {
		return String.join(", ", columns.stream().map(SqlIdentifiers::quote).toList());
	}

	private static void bind(WriteStatement statement, Map<String, @Nullable Object> values,
			Map<String, @Nullable Object> row) throws SQLException {
		PreparedStatement prepared = statement.statement();
		List<String> parameters = statement.parameters();
		for (int i = 0; i < parameters.size(); i++) {
			String column = parameters.get(i);
			bind(prepared, i + 1, (values == row || values.containsKey(column)) ? values.get(column) : row.get(column));
		}
	}

	private static void bind(PreparedStatement statement, int index, @Nullable Object value) throws SQLException {
		if (value == null) {
			statement.setNull(index, Types.NULL);
		}
		else if (value instanceof Long l) {
			statement.setLong(index, l);
		}
		else if (value instanceof Double d) {
			statement.setDouble(index, d);
		}
		else if (value instanceof String s) {
			statement.setString(index, s);
		}
		else if (value instanceof byte[] bytes) {
			statement.setBytes(index, bytes);
		}
		else {
			throw new IllegalStateException("Unvalidated value of type " + value.getClass().getName());
		}
	}

	/**
	 * A prepared write with the columns its parameters bind, in order, and the table, primary key and kind it was
	 * prepared for.
	 */
	record WriteStatement(PreparedStatement statement, List<String> parameters, String table, List<String> primaryKey,
			Kind kind) {
	}

	private record Key(String table, Kind kind, Set<String> columns) {
	}

	/** A queued UPDATE that found no row, and the whole row to write instead. */
	private record MissingRow(WriteStatement update, Map<String, @Nullable Object> values) {
	}

}
