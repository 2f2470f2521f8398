package io.harmonylite.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Remembers which incarnation of each stream this node's positions refer to (the stream's creation time), so that a
 * stream deleted and re-created under the same name is not read from a position that belonged to the old one.
 */
final class StreamIdentityTable {

	/** The table's name. */
	static final String NAME = ApplyTables.STREAM_IDENTITIES;

	private static final String QUOTED = "\"" + NAME + "\"";

	private final Connection connection;

	/**
	 * Creates the table if missing.
	 * @param connection the apply connection, in auto-commit mode
	 * @throws SQLException if the table cannot be created
	 */
	StreamIdentityTable(Connection connection) throws SQLException {
		this.connection = connection;
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS " + QUOTED + " (stream TEXT PRIMARY KEY, identity TEXT NOT NULL)");
		}
	}

	/**
	 * Checks a stream's identity against the one recorded, recording it when there is none or when nothing of the
	 * stream has been applied yet.
	 * @param stream the stream
	 * @param identity the stream's identity now
	 * @param appliedSequence the position stored for the stream
	 * @return {@code false} when the position belongs to another incarnation of the stream
	 * @throws SQLException if the table cannot be read or written
	 */
	boolean confirm(String stream, String identity, long appliedSequence) throws SQLException {
		String recorded = null;
		try (PreparedStatement select = this.connection.prepareStatement("SELECT identity FROM " + QUOTED + " WHERE stream = ?")) {
			select.setString(1, stream);
			try (ResultSet rows = select.executeQuery()) {
				if (rows.next()) {
					recorded = rows.getString(1);
				}
			}
		}
		if (identity.equals(recorded)) {
			return true;
		}
		if (recorded != null && appliedSequence > 0) {
			return false;
		}
		try (PreparedStatement upsert = this.connection.prepareStatement("INSERT INTO " + QUOTED
				+ " (stream, identity) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET identity = excluded.identity")) {
			upsert.setString(1, stream);
			upsert.setString(2, identity);
			upsert.executeUpdate();
		}
		return true;
	}

}
