package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.sqlite.SqlIdentifiers;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * Whether a database has replication state: a new node (empty tables, or tables its migrations created and filled)
 * has applied nothing from the streams yet and captured no write of its own. A node that captured writes is not new
 * even without a stream position (e.g. killed before its first apply while its application kept writing): a
 * snapshot restored over it would replace its own newer rows, and writes made before their echo came back would build
 * on the snapshot's older values.
 *
 * @since 0.1.0
 */
public final class ReplicationState {

	private ReplicationState() {
	}

	/**
	 * Whether the node has applied nothing and captured nothing yet.
	 * @param database the database file
	 * @return {@code true} when no stream position above 0 is stored and the change log holds no change
	 * @throws SnapshotException if the database cannot be read
	 */
	public static boolean isAbsent(Path database) {
		return isAbsent(database, true);
	}

	/**
	 * Whether the node has applied nothing yet and, when its file held capture before this start, captured nothing.
	 * A file without capture before this start (a new node, or one cleaned up with {@code --cleanup}) stays new while
	 * its application writes during the start: a restore at startup comes before the node sends anything, and keeps
	 * and merges those changes.
	 * @param database the database file
	 * @param capturedBeforeThisStart whether the file held HarmonyLite's objects before this start installed capture
	 * @return {@code true} when no stream position above 0 is stored and, if captured before, the change log is empty
	 * @throws SnapshotException if the database cannot be read
	 */
	public static boolean isAbsent(Path database, boolean capturedBeforeThisStart) {
		try (Connection connection = SqliteConnections.open(database)) {
			return isEmpty(connection, SnapshotTables.POSITIONS, "sequence > 0")
					&& (!capturedBeforeThisStart || isEmpty(connection, ChangeCapture.CHANGE_LOG_TABLE, "1"));
		}
		catch (SQLException ex) {
			throw new SnapshotException("Could not read the stream positions of " + database + ": " + ex.getMessage(), ex);
		}
	}

	private static boolean isEmpty(Connection connection, String table, String condition) throws SQLException {
		return !SqliteSchema.tableExists(connection, "main", table) || SqliteSchema
			.strings(connection, "SELECT 1 FROM " + SqlIdentifiers.quote(table) + " WHERE " + condition + " LIMIT 1")
			.isEmpty();
	}

}
