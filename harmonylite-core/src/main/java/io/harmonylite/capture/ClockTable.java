package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.harmonylite.schema.SchemaReader;

/**
 * The node's hybrid logical clock: a one-row table holding the highest version (clock value) this node recorded for
 * a local change or applied from the cluster. Capture triggers read it, so that every new local change gets a version
 * past everything the node has seen, without an extra write per change.
 *
 * @since 0.1.0
 */
public final class ClockTable {

	/** The clock table's name. */
	public static final String NAME = SchemaReader.INTERNAL_PREFIX + "clock";

	private static final String QUOTED = "\"" + NAME + "\"";

	/**
	 * The statement of {@link #advance(Connection, long)}, for a caller that prepares it once: its one parameter is
	 * the clock value reached.
	 */
	public static final String ADVANCE_SQL = "UPDATE " + QUOTED + " SET hlc = ?1 WHERE id = 1 AND hlc < ?1";

	private ClockTable() {
	}

	/**
	 * Creates the table with its row if missing.
	 * @param connection a connection to the database
	 * @throws SQLException if the table cannot be created
	 */
	public static void install(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS " + QUOTED
					+ " (id INTEGER PRIMARY KEY CHECK (id = 1), hlc INTEGER NOT NULL)");
			statement.execute("INSERT OR IGNORE INTO " + QUOTED + " (id, hlc) VALUES (1, 0)");
		}
	}

	/**
	 * The SQL expression a trigger uses for the clock value.
	 * @return a scalar subquery, 0 when the row is missing
	 */
	public static String valueExpression() {
		return "coalesce((SELECT hlc FROM " + QUOTED + "), 0)";
	}

	/**
	 * Reads the clock.
	 * @param connection a connection to the database
	 * @return the highest clock value recorded or applied, 0 when none
	 * @throws SQLException if the read fails
	 */
	public static long read(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT hlc FROM " + QUOTED)) {
			return rows.next() ? rows.getLong(1) : 0;
		}
	}

	/**
	 * Moves the clock forward to a value, never back; call inside the transaction that recorded or applied it.
	 * @param connection a connection to the database, in a transaction
	 * @param hlc the clock value reached
	 * @throws SQLException if the write fails
	 */
	public static void advance(Connection connection, long hlc) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(ADVANCE_SQL)) {
			statement.setLong(1, hlc);
			statement.executeUpdate();
		}
	}

}
