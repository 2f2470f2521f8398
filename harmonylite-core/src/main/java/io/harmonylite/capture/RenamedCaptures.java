package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Captured tables renamed since their capture triggers were made. SQLite moves a table's triggers with it when it is
 * renamed ({@code ALTER TABLE kv_new RENAME TO kv}, the last step of a rebuild) but keeps their names and the table
 * name they write into the change log, until the next schema check makes them anew: the changes they record in
 * between belong to the table under its new name, and are read and sent as such.
 * <p>
 * The renames are read again only when {@code PRAGMA schema_version} moved, which the reader of the change log reads
 * once per read.
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
	 * @param version the database's {@code PRAGMA schema_version} now
	 * @return the table name a capture trigger writes to the table it is on now, for each renamed table
	 * @throws SQLException if the schema cannot be read
	 */
	synchronized Map<String, String> current(int version) throws SQLException {
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
		CaptureTriggers.readExisting(connection, (name, sql, table) -> put(renamed, name, table));
		return Map.copyOf(renamed);
	}

	/**
	 * Adds the rename a trigger tells, if any: a capture trigger made for another table than the one it is on.
	 * @param renamed the renames found so far, the trigger's table name to the table it is on now
	 * @param trigger the trigger's name
	 * @param table the table it is on
	 */
	static void put(Map<String, String> renamed, String trigger, String table) {
		String captured = CaptureTriggers.capturedTable(trigger);
		if (captured != null && !captured.equals(table)) {
			renamed.put(captured, table);
		}
	}

}
