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
 * Statements are cached per table, operation and column set. Identifiers are quoted, values are always bound
 * parameters with the setter of their storage class. Callers validate a change with {@link ChangeValidator} first,
 * so every identifier is a real column of a real table.
 */
final class ApplyStatements implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ApplyStatements.class);

	private final Connection connection;

	private final Map<Key, Prepared> cache = new HashMap<>();

	private @Nullable Prepared pending;

	ApplyStatements(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Writes one validated change at once.
	 * @param event the change
	 * @throws SQLException if SQLite refuses the write
	 */
	void execute(ChangeEvent event) throws SQLException {
		flush();
		Prepared prepared = bind(event);
		prepared.statement().executeUpdate();
	}

	/**
	 * Queues one validated change in a JDBC batch; changes are written in order, at the latest by {@link #flush()}.
	 * <p>
	 * Batching is several times faster than one {@code executeUpdate} per change with sqlite-jdbc, but a failure does
	 * not say which change failed; replay with {@link #execute} to find out.
	 * @param event the change
	 * @throws SQLException if SQLite refuses a queued write
	 */
	void add(ChangeEvent event) throws SQLException {
		Prepared prepared = statement(event);
		if (prepared != this.pending) {
			// Another statement: write the queued changes first, so changes stay in order.
			flush();
		}
		bind(prepared, event);
		prepared.statement().addBatch();
		this.pending = prepared;
	}

	/**
	 * Writes every queued change.
	 * @throws SQLException if SQLite refuses a write
	 */
	void flush() throws SQLException {
		Prepared prepared = this.pending;
		if (prepared != null) {
			this.pending = null;
			prepared.statement().executeBatch();
		}
	}

	/**
	 * Drops the queued changes without writing them; call after a failure.
	 */
	void discard() {
		Prepared prepared = this.pending;
		this.pending = null;
		if (prepared != null) {
			try {
				prepared.statement().clearBatch();
			}
			catch (SQLException ex) {
				// Not fatal: the statement is closed and prepared again.
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
		for (Prepared prepared : this.cache.values()) {
			try {
				prepared.statement().close();
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

	private Prepared bind(ChangeEvent event) throws SQLException {
		Prepared prepared = statement(event);
		bind(prepared, event);
		return prepared;
	}

	private Prepared statement(ChangeEvent event) throws SQLException {
		boolean delete = event.operation() == Operation.DELETE;
		// For upserts the key holds a view of the row's columns: no copy on the hot path.
		Key key = new Key(event.table(), delete, delete ? Set.copyOf(event.primaryKey()) : event.row().keySet());
		Prepared prepared = this.cache.get(key);
		if (prepared == null) {
			prepared = prepare(event, delete);
			this.cache.put(new Key(key.table(), delete, Set.copyOf(key.columns())), prepared);
		}
		return prepared;
	}

	private static void bind(Prepared prepared, ChangeEvent event) throws SQLException {
		PreparedStatement statement = prepared.statement();
		List<String> columns = prepared.columns();
		Map<String, @Nullable Object> row = event.row();
		for (int i = 0; i < columns.size(); i++) {
			bind(statement, i + 1, row.get(columns.get(i)));
		}
	}

	private Prepared prepare(ChangeEvent event, boolean delete) throws SQLException {
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
			List<String> quoted = columns.stream().map(SqlIdentifiers::quote).toList();
			sql.append("INSERT INTO ").append(table).append(" (").append(String.join(", ", quoted));
			sql.append(") VALUES (").append("?, ".repeat(columns.size() - 1)).append("?) ON CONFLICT (");
			sql.append(String.join(", ", primaryKey.stream().map(SqlIdentifiers::quote).toList())).append(") ");
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
		return new Prepared(this.connection.prepareStatement(sql.toString()), columns);
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

	private record Key(String table, boolean delete, Set<String> columns) {
	}

	private record Prepared(PreparedStatement statement, List<String> columns) {
	}

}
