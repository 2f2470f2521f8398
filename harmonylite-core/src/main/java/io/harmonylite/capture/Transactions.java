package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs work in a write transaction taken up front ({@code BEGIN IMMEDIATE}), so that concurrent writers make it wait
 * through the busy timeout instead of failing with {@code SQLITE_BUSY} when a read transaction is upgraded.
 *
 * @since 0.1.0
 */
public final class Transactions {

	private Transactions() {
	}

	/**
	 * Work done inside the transaction.
	 * @param <T> its result
	 */
	@FunctionalInterface
	public interface Work<T> {

		/**
		 * Does the work.
		 * @return the result
		 * @throws SQLException if SQLite fails; the transaction is rolled back
		 */
		T run() throws SQLException;

	}

	/**
	 * Runs the work in its own immediate transaction, or inside the caller's transaction when the connection is not
	 * in auto-commit mode.
	 * @param <T> the work's result
	 * @param connection the connection
	 * @param work the work
	 * @return the work's result
	 * @throws SQLException if the work or the transaction fails; the transaction was rolled back
	 */
	public static <T> T immediate(Connection connection, Work<T> work) throws SQLException {
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
