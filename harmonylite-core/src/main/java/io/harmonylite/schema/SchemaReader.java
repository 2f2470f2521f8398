package io.harmonylite.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;

/**
 * Reads table definitions from a live SQLite connection.
 *
 * @since 0.1.0
 */
public final class SchemaReader {

	/** Prefix of every table, trigger and index HarmonyLite creates. */
	public static final String INTERNAL_PREFIX = "__harmonylite__";

	private final Connection connection;

	public SchemaReader(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Lists the ordinary tables of the main database that can be replicated: no {@code sqlite_*} tables, no
	 * HarmonyLite tables, no virtual tables and no shadow tables of virtual tables.
	 * @return the table names, sorted
	 */
	public List<String> userTables() {
		String sql = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
				+ "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND substr(name, 1, ?) <> ? ORDER BY name";
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setInt(1, INTERNAL_PREFIX.length());
			statement.setString(2, INTERNAL_PREFIX);
			List<String> tables = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					tables.add(rows.getString(1));
				}
			}
			return tables;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not list the tables of the database: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads one table's definition.
	 * @param table the exact table name
	 * @return the table, or empty when no ordinary table has that name
	 */
	public Optional<TableSchema> table(String table) {
		try {
			@Nullable Boolean withoutRowid = tableKind(table);
			if (withoutRowid == null) {
				return Optional.empty();
			}
			List<ColumnSchema> columns = new ArrayList<>();
			// hidden: 0 ordinary, 1 hidden column of a virtual table, 2/3 generated columns (never written).
			try (PreparedStatement statement = this.connection
				.prepareStatement("SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid")) {
				statement.setString(1, table);
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						columns.add(new ColumnSchema(rows.getString(1), rows.getString(2), rows.getInt(3) != 0,
								rows.getInt(4)));
					}
				}
			}
			return Optional.of(new TableSchema(table, columns, withoutRowid));
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the schema of table '" + table + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads the definitions of several tables, e.g. the watched tables before hashing them.
	 * @param tables the exact table names
	 * @return the tables that exist, in the given order; missing ones are left out, so a missing table changes the
	 * schema hash instead of failing it
	 */
	public List<TableSchema> tables(Collection<String> tables) {
		List<TableSchema> found = new ArrayList<>(tables.size());
		for (String table : tables) {
			table(table).ifPresent(found::add);
		}
		return found;
	}

	private @Nullable Boolean tableKind(String table) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name = ?")) {
			statement.setString(1, table);
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? rows.getInt(1) != 0 : null;
			}
		}
	}

}
