package io.harmonylite.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The parameterless statements every apply transaction runs ({@code BEGIN IMMEDIATE}, setting and clearing the apply
 * marker, {@code COMMIT}), each prepared once and reused, instead of parsed again for every batch.
 */
final class TransactionStatements implements AutoCloseable {

	private final Connection connection;

	private final Map<String, PreparedStatement> prepared = new HashMap<>();

	TransactionStatements(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Runs a statement, preparing it on first use.
	 * @param sql a statement without parameters
	 * @throws SQLException if it fails
	 */
	void execute(String sql) throws SQLException {
		PreparedStatement statement = this.prepared.get(sql);
		if (statement == null) {
			statement = this.connection.prepareStatement(sql);
			this.prepared.put(sql, statement);
		}
		statement.execute();
	}

	/**
	 * Closes the prepared statements, so they are prepared afresh on next use; call after a failed transaction
	 * (sqlite-jdbc leaves a statement that failed unusable).
	 */
	void reset() {
		for (PreparedStatement statement : this.prepared.values()) {
			try {
				statement.close();
			}
			catch (SQLException ex) {
				// A finalized statement has nothing left to close.
			}
		}
		this.prepared.clear();
	}

	@Override
	public void close() {
		reset();
	}

}
