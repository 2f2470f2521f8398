package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.CaptureRemoval;
import io.harmonylite.schema.SchemaReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves a database as a failed start found it: when the file held no HarmonyLite object before the start, the
 * triggers and tables that start installed are removed again, so that nothing keeps capturing writes for a node that
 * never ran. A file that already had capture (a restart) keeps it, as it was before the start: its triggers capture
 * writes made while the node is down, and the next start sends them.
 */
final class FirstCaptureUndo {

	private static final Logger logger = LoggerFactory.getLogger(FirstCaptureUndo.class);

	private final long nodeId;

	private final Path database;

	private final boolean captureFound;

	private FirstCaptureUndo(long nodeId, Path database, boolean captureFound) {
		this.nodeId = nodeId;
		this.database = database;
		this.captureFound = captureFound;
	}

	/**
	 * Notes whether the database holds HarmonyLite objects, before capture is installed.
	 * @param nodeId this node's id, for the log
	 * @param database the database file
	 * @param connection a connection to it
	 * @return the undo of this start's first installation
	 */
	static FirstCaptureUndo before(long nodeId, Path database, Connection connection) {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT count(*) FROM sqlite_schema WHERE substr(name, 1, ?) = ?")) {
			statement.setInt(1, SchemaReader.INTERNAL_PREFIX.length());
			statement.setString(2, SchemaReader.INTERNAL_PREFIX);
			try (ResultSet rows = statement.executeQuery()) {
				return new FirstCaptureUndo(nodeId, database, rows.next() && rows.getLong(1) > 0);
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the schema of " + database + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Whether the database held HarmonyLite's objects before this start.
	 * @return {@code false} for a new node, or one cleaned up
	 */
	boolean captureFound() {
		return this.captureFound;
	}

	/**
	 * After a failed start, once every connection of the node is closed: removes the capture this start installed in
	 * a database that had none. Never throws: a failure is logged with the command that finishes the job.
	 */
	void undo() {
		if (this.captureFound) {
			return;
		}
		try {
			CaptureRemoval removal = CaptureRemoval.uninstall(this.database);
			if (removal.objectsDropped() > 0) {
				logger.info("Node {}: the start failed, so the change capture it installed was removed again: {}",
						this.nodeId, removal.describe());
			}
		}
		catch (RuntimeException ex) {
			logger.error("Node {}: the start failed and the change capture it installed in {} could not be removed "
					+ "({}); its triggers capture writes until it is. Remove it with './harmonylite --cleanup "
					+ "--db-path {}' (or the uninstall operation), or start the node again", this.nodeId, this.database, ex.getMessage(),
					this.database);
		}
	}

}
