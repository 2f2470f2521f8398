package io.harmonylite.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, caches and runs the prepared statements that write changes: an UPSERT for inserts and updates, a DELETE by
 * primary key for deletes.
 * <p>
 * Statements are cached per table, operation and column set; a statement is only ever prepared for a change that
 * {@link ChangeValidator} accepted, so every identifier in it is a real column of a real table. Identifiers are
 * quoted, values are always bound parameters with the setter of their storage class.
 */
final class ApplyStatements implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ApplyStatements.class);

	private final Connection connection;

	private final Map<Key, WriteStatement> cache = new HashMap<>();

	private @Nullable WriteStatement pending;

	ApplyStatements(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Finds the cached statement for a change's table, operation and columns; its shape was validated when it was
	 * prepared.
	 * @param event the change
	 * @return the statement, or {@code null} when none was prepared yet
	 */
	@Nullable WriteStatement cached(ChangeEvent event) {
		return this.cache.get(key(event));
	}

	/**
	 * Prepares and caches the statement for a validated change.
	 * @param event the change, accepted by {@link ChangeValidator}
	 * @return the statement
	 * @throws SQLException if SQLite cannot prepare it
	 */
	WriteStatement prepare(ChangeEvent event) throws SQLException {
		boolean delete = event.operation() == Operation.DELETE;
		String table = "\"main\"." + SqlIdentifiers.quote(event.table());
		List<String> primaryKey = event.primaryKey();
		StringBuilder sql = new StringBuilder(128);
		List<String> columns;
		if (delete) {
			columns = primaryKey;
			sql.append("DELETE FROM ").append(table).append(" WHERE ");
			for (int i = 0; i < columns.size(); i++) {
				// '=' and not 'IS': key values are never NULL (ChangeValidator rejects them).
				sql.append((i > 0) ? " AND " : "").append(SqlIdentifiers.quote(columns.get(i))).append(" = ?");
			}
		}
		else {
			columns = List.copyOf(event.row().keySet());
			sql.append("INSERT INTO ").append(table).append(" (").append(quoteAll(columns));
			sql.append(") VALUES (").append("?, ".repeat(columns.size() - 1)).append("?) ON CONFLICT (");
			sql.append(quoteAll(primaryKey)).append(") ");
			List<String> assignments = new ArrayList<>();
			for (String column : columns) {
				if (!primaryKey.contains(column)) {
					String name = SqlIdentifiers.quote(column);
					assignments.add(name + " = excluded." + name);
				}
			}
			// Never INSERT OR REPLACE: it deletes the old row first and so fires ON DELETE CASCADE.
			sql.append(assignments.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", assignments));
		}
		WriteStatement statement = new WriteStatement(this.connection.prepareStatement(sql.toString()), columns,
				primaryKey);
		this.cache.put(new Key(event.table(), delete, Set.copyOf(columns)), statement);
		return statement;
	}

	/**
	 * Writes one change at once, after the queued ones.
	 * @param statement the change's statement
	 * @param event the change
	 * @throws SQLException if SQLite refuses the write
	 */
	void execute(WriteStatement statement, ChangeEvent event) throws SQLException {
		flush();
		bind(statement, event);
		statement.statement().executeUpdate();
	}

	/**
	 * Queues one change in a JDBC batch; changes are written in order, at the latest by {@link #flush()}.
	 * <p>
	 * With sqlite-jdbc, batching is several times faster than one {@code executeUpdate} per change, but a failure
	 * does not say which change failed; replay with {@link #execute} to find out.
	 * @param statement the change's statement
	 * @param event the change
	 * @throws SQLException if SQLite refuses a queued write
	 */
	void add(WriteStatement statement, ChangeEvent event) throws SQLException {
		if (statement != this.pending) {
			// Another statement: write the queued changes first, so changes stay in order.
			flush();
		}
		bind(statement, event);
		statement.statement().addBatch();
		this.pending = statement;
	}

	/**
	 * Writes every queued change.
	 * @throws SQLException if SQLite refuses a write
	 */
	void flush() throws SQLException {
		@Nullable WriteStatement statement = this.pending;
		if (statement != null) {
			this.pending = null;
			statement.statement().executeBatch();
		}
	}

	/**
	 * Drops the queued changes without writing them; call after a failure.
	 */
	void discard() {
		@Nullable WriteStatement statement = this.pending;
		this.pending = null;
		if (statement != null) {
			try {
				statement.statement().clearBatch();
			}
			catch (SQLException ex) {
				// Not fatal: the statements are closed and prepared again when needed.
				logger.warn("Could not clear a queued apply batch: {}", ex.getMessage());
				clear();
			}
		}
	}

	/**
	 * Closes every cached statement; they are prepared again when next needed.
	 */
	void clear() {
		this.pending = null;
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
	}

	@Override
	public void close() {
		clear();
	}

	private static Key key(ChangeEvent event) {
		if (event.operation() == Operation.DELETE) {
			return new Key(event.table(), true, Set.copyOf(event.primaryKey()));
		}
		// A view of the row's columns: no copy on the hot path.
		return new Key(event.table(), false, event.row().keySet());
	}

	private static String quoteAll(List<String> columns) {
		return String.join(", ", columns.stream().map(SqlIdentifiers::quote).toList());
	}

	private static void bind(WriteStatement statement, ChangeEvent event) throws SQLException {
		PreparedStatement prepared = statement.statement();
		List<String> columns = statement.columns();
		Map<String, @Nullable Object> row = event.row();
		for (int i = 0; i < columns.size(); i++) {
			bind(prepared, i + 1, row.get(columns.get(i)));
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
	 * A prepared write with the columns its parameters bind, in order, and the primary key it was validated for.
	 */
	record WriteStatement(PreparedStatement statement, List<String> columns, List<String> primaryKey) {
	}

	private record Key(String table, boolean delete, Set<String> columns) {
	}

}
