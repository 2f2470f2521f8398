package io.harmonylite.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.harmonylite.schema.SchemaReader;
import io.harmonylite.sqlite.SqlIdentifiers;

/**
 * Small reads and changes of a database's schema objects, in a given schema ({@code main} or an attached one), shared
 * by taking and restoring.
 */
final class SqliteSchema {

	private SqliteSchema() {
	}

	/**
	 * Runs one statement.
	 * @param connection the connection
	 * @param sql the statement
	 * @throws SQLException if it fails
	 */
	static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * The ordinary tables of a schema, HarmonyLite's included, without SQLite's own.
	 * @param connection the connection
	 * @param schema the schema name
	 * @return the table names, sorted
	 * @throws SQLException if the schema cannot be read
	 */
	static List<String> tables(Connection connection, String schema) throws SQLException {
		return strings(connection, "SELECT name FROM pragma_table_list WHERE schema = ? AND type = 'table' "
				+ "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", schema);
	}

	/**
	 * The HarmonyLite triggers of a schema (capture triggers).
	 * @param connection the connection
	 * @param schema the schema name
	 * @return the trigger names
	 * @throws SQLException if the schema cannot be read
	 */
	static List<String> internalTriggers(Connection connection, String schema) throws SQLException {
		return strings(connection, "SELECT name FROM " + SqlIdentifiers.quote(schema)
				+ ".sqlite_schema WHERE type = 'trigger' AND lower(substr(name, 1, ?)) = ? ORDER BY name",
				SchemaReader.INTERNAL_PREFIX.length(), SchemaReader.INTERNAL_PREFIX);
	}

	/**
	 * Whether a schema has a table.
	 * @param connection the connection
	 * @param schema the schema name
	 * @param table the table name
	 * @return {@code true} when it exists
	 * @throws SQLException if the schema cannot be read
	 */
	static boolean tableExists(Connection connection, String schema, String table) throws SQLException {
		return !strings(connection, "SELECT name FROM pragma_table_list WHERE schema = ? AND name = ? COLLATE NOCASE",
				schema, table).isEmpty();
	}

	/**
	 * Reads a two-column query as a map, in the query's order.
	 * @param connection the connection
	 * @param sql the query; its first column is the key
	 * @return key to value, the value as SQLite's text or number
	 * @throws SQLException if the query fails
	 */
	static Map<String, Object> pairs(Connection connection, String sql) throws SQLException {
		Map<String, Object> pairs = new LinkedHashMap<>();
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			while (rows.next()) {
				pairs.put(rows.getString(1), rows.getObject(2));
			}
		}
		return pairs;
	}

	/**
	 * Counts a table's rows.
	 * @param connection the connection
	 * @param schema the schema name
	 * @param table the table name
	 * @return the row count
	 * @throws SQLException if the table cannot be read
	 */
	static long count(Connection connection, String schema, String table) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT count(*) FROM " + SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table))) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/**
	 * Reads a one-column query.
	 * @param connection the connection
	 * @param sql the query
	 * @param parameters the values bound to its parameters
	 * @return the first column of every row, as text
	 * @throws SQLException if the query fails
	 */
	static List<String> strings(Connection connection, String sql, Object... parameters) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			List<String> values = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					values.add(rows.getString(1));
				}
			}
			return values;
		}
	}

}
