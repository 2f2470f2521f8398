package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The marker row that silences capture triggers for the applier's own writes.
 * <p>
 * The applier inserts the row at the start of its write transaction and deletes it before commit. Every capture
 * trigger has {@code WHEN NOT EXISTS (SELECT 1 FROM __harmonylite__apply_marker)}, so it skips while the row exists.
 * SQLite allows one writer at a time and the row is never committed, so no other writer ever sees it: their changes
 * are always captured. This uses only core SQL, so it works in every SQLite an external writer may use and with
 * {@code PRAGMA trusted_schema=OFF}.
 *
 * @since 0.1.0
 */
public final class ApplyMarker {

	/** The marker table; it is empty except inside an apply transaction. */
	public static final String TABLE = "__harmonylite__apply_marker";

	/** The WHEN clause every capture trigger carries. */
	public static final String TRIGGER_CONDITION = "NOT EXISTS (SELECT 1 FROM \"" + TABLE + "\")";

	/** The statement that sets the marker, for an applier that prepares it once. */
	public static final String SET_SQL = "INSERT OR IGNORE INTO \"" + TABLE + "\" (id) VALUES (1)";

	/** The statement that clears the marker, for an applier that prepares it once. */
	public static final String CLEAR_SQL = "DELETE FROM \"" + TABLE + "\"";

	private ApplyMarker() {
	}

	/**
	 * Creates the marker table if missing.
	 * @param connection a connection to the database
	 * @throws SQLException if the table cannot be created
	 */
	public static void install(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS \"" + TABLE + "\" (id INTEGER PRIMARY KEY)");
		}
	}

	/**
	 * Sets the marker; call inside the apply transaction, before the first write.
	 * @param connection the apply connection, in a transaction
	 * @throws SQLException if the marker cannot be written
	 */
	public static void set(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(SET_SQL);
		}
	}

	/**
	 * Clears the marker; call inside the apply transaction, after the last write and before commit.
	 * @param connection the apply connection, in a transaction
	 * @throws SQLException if the marker cannot be deleted
	 */
	public static void clear(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(CLEAR_SQL);
		}
	}

}
