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
import io.harmonylite.sqlite.StoredText;
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
		List<String> tables = new ArrayList<>();
		listUserTables(tables, new ArrayList<>());
		return tables;
	}

	/**
	 * The user tables that cannot be replicated because a name they hold, theirs or a column's, is not valid UTF-8:
	 * a Java string would carry it altered, so no statement could name it. {@link #userTables()} leaves them out.
	 * @return each such name: the table it is in ({@code null} for a table's own name) and a description, e.g.
	 * {@code table x'626164FF'} or {@code column x'FF' of table 'books'}
	 */
	public List<UnreadableName> namesNotUtf8() {
		List<String> tables = new ArrayList<>();
		List<UnreadableName> unreadable = new ArrayList<>();
		listUserTables(tables, unreadable);
		for (String table : tables) {
			try (PreparedStatement statement = this.connection
				.prepareStatement("SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0")) {
				statement.setString(1, table);
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						byte[] stored = StoredText.notUtf8(rows, 1, rows.getString(1));
						if (stored != null) {
							unreadable.add(new UnreadableName(table,
									"column " + StoredText.literal(stored, 32) + " of table '" + table + "'"));
						}
					}
				}
			}
			catch (SQLException ex) {
				throw new HarmonyLiteException("Could not read the columns of table '" + table + "': " + ex.getMessage(),
						ex);
			}
		}
		return unreadable;
	}

	private void listUserTables(List<String> tables, List<UnreadableName> unreadable) {
		String sql = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
				+ "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND substr(name, 1, ?) <> ? ORDER BY name";
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setInt(1, INTERNAL_PREFIX.length());
			statement.setString(2, INTERNAL_PREFIX);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					String name = rows.getString(1);
					byte[] stored = StoredText.notUtf8(rows, 1, name);
					if (stored == null) {
						tables.add(name);
					}
					else {
						unreadable.add(new UnreadableName(null, "table " + StoredText.literal(stored, 32)));
					}
				}
			}
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

	/**
	 * A name in the schema that is not valid UTF-8.
	 *
	 * @param table the table whose column has the name, {@code null} when it is the table's own name
	 * @param description the name's place and bytes, e.g. {@code column x'FF' of table 'books'}
	 * @since 0.1.0
	 */
	public record UnreadableName(@Nullable String table, String description) {
	}

}
