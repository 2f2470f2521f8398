package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Tells which rows of a table this node knows the cluster holds: rows it has live version state for, because it
 * captured or applied a change of them. When capture covers a table anew under a name it covered before (a migration
 * rebuilt it: {@code CREATE} a copy, {@code INSERT ... SELECT}, {@code DROP}, {@code RENAME}, the only way SQLite
 * changes a constraint), those rows are not sent again as new writes: with this node's values, possibly older than
 * the cluster's, they would win over every newer change this node has not applied yet.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RecordedRows {

	/** Knows no row: every row of a table captured anew is sent. */
	RecordedRows NONE = (connection, table) -> Lookup.NONE;

	/**
	 * The rows of one table, looked up inside the transaction that regenerates its capture.
	 * @param connection the connection, inside that transaction
	 * @param table the table
	 * @return the lookup, valid while the transaction runs; close it after use
	 * @throws SQLException if the state cannot be read
	 */
	Lookup of(Connection connection, String table) throws SQLException;

	/** Whether this node holds live version state for a row, by its key. */
	@FunctionalInterface
	interface Lookup extends AutoCloseable {

		/** Knows no row. */
		Lookup NONE = (key) -> false;

		/**
		 * Whether a row is known.
		 * @param key the row's primary-key values in key order, normalized (see {@code SqlValues})
		 * @return {@code true} when this node holds live version state for it
		 * @throws SQLException if the state cannot be read
		 */
		boolean known(List<@Nullable Object> key) throws SQLException;

		@Override
		default void close() throws SQLException {
		}

	}

}
