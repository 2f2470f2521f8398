package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs work in a write transaction taken up front ({@code BEGIN IMMEDIATE}), so that concurrent writers make it wait
 * through the busy timeout instead of failing with {@code SQLITE_BUSY} when a read transaction is upgraded.
 */
final class Transactions {

	private Transactions() {
	}

	@FunctionalInterface
	interface Work<T> {

		T run() throws SQLException;

	}

	/**
	 * Runs the work in its own immediate transaction, or inside the caller's transaction when the connection is not
	 * in auto-commit mode.
	 */
	static <T> T immediate(Connection connection, Work<T> work) throws SQLException {
		if (!connection.getAutoCommit()) {
			return work.run();
		}
		execute(connection, "BEGIN IMMEDIATE");
		try {
			T result = work.run();
			execute(connection, "COMMIT");
			return result;
		}
		catch (SQLException | RuntimeException | Error ex) {
			try {
				execute(connection, "ROLLBACK");
			}
			catch (SQLException rollbackFailure) {
				ex.addSuppressed(rollbackFailure);
			}
			throw ex;
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
