package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import io.harmonylite.schema.SchemaReader;

/**
 * Captured tables renamed since their capture triggers were made. SQLite moves a table's triggers with it when it is
 * renamed ({@code ALTER TABLE kv_new RENAME TO kv}, the last step of a rebuild) but keeps their names and the table
 * name they write into the change log, until the next schema check makes them anew: the changes they record in
 * between belong to the table under its new name, and are read and sent as such.
 * <p>
 * The renames are read again only when {@code PRAGMA schema_version} moved, so a read of the change log costs one
 * pragma while the schema stays the same.
 */
final class RenamedCaptures {

	private final Connection connection;

	private int schemaVersion = -1;

	private Map<String, String> renamed = Map.of();

	RenamedCaptures(Connection connection) {
		this.connection = connection;
	}

	/**
	 * The current renames, read again if the schema changed since the last call.
	 * @return the table name a capture trigger writes to the table it is on now, for each renamed table
	 * @throws SQLException if the schema cannot be read
	 */
	synchronized Map<String, String> current() throws SQLException {
		int version;
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA schema_version")) {
			version = rows.next() ? rows.getInt(1) : -1;
		}
		if (version != this.schemaVersion) {
			this.renamed = read(this.connection);
			this.schemaVersion = version;
		}
		return this.renamed;
	}

	/**
	 * Reads the renames from the capture triggers in the file.
	 * @param connection a connection to the database
	 * @return the table name a capture trigger writes to the table it is on now, for each renamed table
	 * @throws SQLException if the schema cannot be read
	 */
	static Map<String, String> read(Connection connection) throws SQLException {
		Map<String, String> renamed = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT name, tbl_name FROM sqlite_schema WHERE type = 'trigger' AND substr(name, 1, ?) = ?")) {
			statement.setInt(1, SchemaReader.INTERNAL_PREFIX.length());
			statement.setString(2, SchemaReader.INTERNAL_PREFIX);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					String captured = CaptureTriggers.capturedTable(rows.getString(1));
					String table = rows.getString(2);
					if (captured != null && !captured.equals(table) && !table.startsWith(SchemaReader.INTERNAL_PREFIX)) {
						renamed.put(captured, table);
					}
				}
			}
		}
		return Map.copyOf(renamed);
	}

}
