package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import io.harmonylite.sqlite.SqlIdentifiers;

/**
 * Writes and removes single keys of the capture's meta table ({@link ChangeCapture#META_TABLE}), such as the marks a
 * node leaves for its next install.
 */
final class MetaKeys {

	private static final String META = SqlIdentifiers.quote(ChangeCapture.META_TABLE);

	private MetaKeys() {
	}

	/**
	 * Sets a key, replacing its value.
	 * @param connection the connection
	 * @param key the key
	 * @param value its value
	 * @throws SQLException if the meta table cannot be written
	 */
	static void put(Connection connection, String key, long value) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"INSERT INTO " + META + " (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
			statement.setString(1, key);
			statement.setLong(2, value);
			statement.executeUpdate();
		}
	}

	/**
	 * Removes a key.
	 * @param connection the connection
	 * @param key the key
	 * @return whether it was there
	 * @throws SQLException if the meta table cannot be written
	 */
	static boolean remove(Connection connection, String key) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + META + " WHERE key = ?")) {
			statement.setString(1, key);
			return statement.executeUpdate() > 0;
		}
	}

}
