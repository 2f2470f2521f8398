package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.harmonylite.sqlite.SqlIdentifiers;

/**
 * Remembers, in the database itself, that HarmonyLite removed the capture triggers on purpose (for a migration), until
 * capture is installed again: a database left with no capture trigger at all is otherwise one whose last captured
 * table was dropped or rebuilt under its name by another process, and the rows written to it since must be caught up.
 */
final class TriggersRemovedMarker {

	static final String KEY = "triggers_removed_at";

	private static final String META = SqlIdentifiers.quote(ChangeCapture.META_TABLE);

	private TriggersRemovedMarker() {
	}

	/**
	 * Marks the database, inside the transaction that removes the triggers.
	 * @param connection the connection
	 * @param nowMillis when they are removed
	 * @throws SQLException if the meta table cannot be written
	 */
	static void mark(Connection connection, long nowMillis) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + META + " (key, value) VALUES "
				+ "(?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
			statement.setString(1, KEY);
			statement.setLong(2, nowMillis);
			statement.executeUpdate();
		}
	}

	/**
	 * Reads and removes the mark, inside the transaction that installs capture.
	 * @param connection the connection
	 * @return whether HarmonyLite had removed the triggers on purpose
	 * @throws SQLException if the meta table cannot be read or written
	 */
	static boolean take(Connection connection) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM " + META + " WHERE key = ?")) {
			select.setString(1, KEY);
			try (ResultSet rows = select.executeQuery()) {
				if (!rows.next()) {
					return false;
				}
			}
		}
		try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + META + " WHERE key = ?")) {
			delete.setString(1, KEY);
			delete.executeUpdate();
		}
		return true;
	}

}
