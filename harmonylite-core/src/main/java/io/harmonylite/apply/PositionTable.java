package io.harmonylite.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table that stores, per stream, the sequence of the last change applied or skipped; written in the same
 * transaction as the changes themselves.
 */
final class PositionTable implements AutoCloseable {

	/** The position table's name. */
	static final String NAME = ApplyTables.POSITIONS;

	private static final String QUOTED = "\"" + NAME + "\"";

	private PreparedStatement select;

	private PreparedStatement upsert;

	private final Connection connection;

	/**
	 * Creates the table if missing and prepares its statements.
	 * @param connection the apply connection, in auto-commit mode
	 * @throws SQLException if the table cannot be created
	 */
	PositionTable(Connection connection) throws SQLException {
		this.connection = connection;
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS " + QUOTED
					+ " (stream TEXT PRIMARY KEY, sequence INTEGER NOT NULL, updated_at INTEGER)");
		}
		this.select = prepareSelect();
		this.upsert = prepareUpsert();
	}

	private PreparedStatement prepareSelect() throws SQLException {
		return this.connection.prepareStatement("SELECT sequence FROM " + QUOTED + " WHERE stream = ?");
	}

	private PreparedStatement prepareUpsert() throws SQLException {
		return this.connection.prepareStatement("INSERT INTO " + QUOTED + " (stream, sequence, updated_at) "
				+ "VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET sequence = excluded.sequence, "
				+ "updated_at = excluded.updated_at");
	}

	/**
	 * Prepares the statements again; call after a failed transaction. sqlite-jdbc finalizes a statement that fails
	 * with an I/O error or a full disk, after which every call fails with "statement is not executing".
	 * @throws SQLException if they cannot be prepared (the old ones are kept)
	 */
	void reset() throws SQLException {
		PreparedStatement newSelect = prepareSelect();
		PreparedStatement newUpsert = prepareUpsert();
		closeQuietly(this.select);
		closeQuietly(this.upsert);
		this.select = newSelect;
		this.upsert = newUpsert;
	}

	private static void closeQuietly(PreparedStatement statement) {
		try {
			statement.close();
		}
		catch (SQLException ex) {
			// A finalized statement has nothing left to close.
		}
	}

	/**
	 * Reads one stream's position.
	 * @param stream the stream
	 * @return the stored sequence, 0 when none
	 * @throws SQLException if the read fails
	 */
	long read(String stream) throws SQLException {
		this.select.setString(1, stream);
		try (ResultSet rows = this.select.executeQuery()) {
			return rows.next() ? rows.getLong(1) : 0;
		}
	}

	/**
	 * Reads every stored position.
	 * @return stream to sequence, sorted by stream
	 * @throws SQLException if the read fails
	 */
	Map<String, Long> readAll() throws SQLException {
		Map<String, Long> positions = new TreeMap<>();
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT stream, sequence FROM " + QUOTED)) {
			while (rows.next()) {
				positions.put(rows.getString(1), rows.getLong(2));
			}
		}
		return positions;
	}

	/**
	 * Stores a stream's position; call inside the transaction that applied the changes up to it.
	 * @param stream the stream
	 * @param sequence the sequence reached
	 * @param nowMillis the time of the update, epoch milliseconds
	 * @throws SQLException if the write fails
	 */
	void write(String stream, long sequence, long nowMillis) throws SQLException {
		this.upsert.setString(1, stream);
		this.upsert.setLong(2, sequence);
		this.upsert.setLong(3, nowMillis);
		this.upsert.executeUpdate();
	}

	@Override
	public void close() throws SQLException {
		try {
			this.select.close();
		}
		finally {
			this.upsert.close();
		}
	}

}
