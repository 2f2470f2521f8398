package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Told, inside the transaction that regenerates a table's capture, which of its columns a migration renamed (see
 * {@link io.harmonylite.schema.ColumnRenames}), so that state kept by column name follows the new names.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RenamedColumnsListener {

	/** A listener that does nothing. */
	RenamedColumnsListener NONE = (connection, table, renames) -> {
	};

	/**
	 * Called once per table whose columns were renamed since its capture was last installed.
	 * @param connection the connection, inside the regeneration's write transaction
	 * @param table the table
	 * @param renames old column name to new name
	 * @throws SQLException if the state cannot be updated; the regeneration is then rolled back
	 */
	void renamed(Connection connection, String table, Map<String, String> renames) throws SQLException;

}
