package io.harmonylite.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.SqlValues;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one row's writable columns by primary key, for the conflict rule. Statements are cached per table until
 * {@link #clear()}.
 */
final class LiveRows implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LiveRows.class);

	private final Connection connection;

	private final Map<String, Query> queries = new HashMap<>();

	LiveRows(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Reads the row a change is about.
	 * @param event the change, validated
	 * @param columns the table's writable columns on this node
	 * @return column to value, or {@code null} when the table has no such row
	 */
	@Nullable Map<String, @Nullable Object> read(ChangeEvent event, Set<String> columns) {
		try {
			Query query = this.queries.get(event.table());
			if (query == null || !query.primaryKey().equals(event.primaryKey())) {
				query = prepare(event.table(), event.primaryKey(), List.copyOf(columns));
				this.queries.put(event.table(), query);
			}
			PreparedStatement statement = query.statement();
			for (int i = 0; i < event.primaryKey().size(); i++) {
				statement.setObject(i + 1, event.row().get(event.primaryKey().get(i)));
			}
			try (ResultSet rows = statement.executeQuery()) {
				if (!rows.next()) {
					return null;
				}
				Map<String, @Nullable Object> values = new LinkedHashMap<>();
				for (int i = 0; i < query.columns().size(); i++) {
					String column = query.columns().get(i);
					values.put(column, SqlValues.normalize(column, rows.getObject(i + 1)));
				}
				return values;
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read a row of table '" + event.table() + "' to resolve a "
					+ "conflict: " + ex.getMessage(), ex);
		}
	}

	private Query prepare(String table, List<String> primaryKey, List<String> columns) throws SQLException {
		StringBuilder sql = new StringBuilder("SELECT ");
		for (int i = 0; i < columns.size(); i++) {
			sql.append((i > 0) ? ", " : "").append(SqlIdentifiers.quote(columns.get(i)));
		}
		sql.append(" FROM \"main\".").append(SqlIdentifiers.quote(table)).append(" WHERE ");
		for (int i = 0; i < primaryKey.size(); i++) {
			sql.append((i > 0) ? " AND " : "").append(SqlIdentifiers.quote(primaryKey.get(i))).append(" = ?");
		}
		return new Query(this.connection.prepareStatement(sql.toString()), columns, primaryKey);
	}

	/**
	 * Closes the cached statements, e.g. after a schema change.
	 */
	void clear() {
		for (Query query : this.queries.values()) {
			try {
				query.statement().close();
			}
			catch (SQLException ex) {
				// Not fatal: a statement that cannot be finalized goes with its connection.
				logger.warn("Could not close a cached row query: {}", ex.getMessage());
			}
		}
		this.queries.clear();
	}

	@Override
	public void close() {
		clear();
	}

	private record Query(PreparedStatement statement, List<String> columns, List<String> primaryKey) {
	}

}
