package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import io.harmonylite.sqlite.SqlIdentifiers;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * Whether a database has replication state: a new node (empty tables, or tables its migrations created and filled)
 * has applied nothing from the streams yet.
 *
 * @since 0.1.0
 */
public final class ReplicationState {

	private ReplicationState() {
	}

	/**
	 * Whether the node has applied nothing yet.
	 * @param database the database file
	 * @return {@code true} when no stream position above 0 is stored
	 * @throws SnapshotException if the database cannot be read
	 */
	public static boolean isAbsent(Path database) {
		try (Connection connection = SqliteConnections.open(database)) {
			return !SqliteSchema.tableExists(connection, "main", SnapshotTables.POSITIONS) || SqliteSchema
				.strings(connection, "SELECT 1 FROM " + SqlIdentifiers.quote(SnapshotTables.POSITIONS)
						+ " WHERE sequence > 0 LIMIT 1")
				.isEmpty();
		}
		catch (SQLException ex) {
			throw new SnapshotException("Could not read the stream positions of " + database + ": " + ex.getMessage(), ex);
		}
	}

}
