package io.harmonylite.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * What uninstalling change capture removed from a database file: its HarmonyLite triggers, tables and indexes (see
 * {@link ChangeCapture#uninstall()}), and the captured changes not yet sent, which are lost with them. User tables and
 * data are never touched.
 *
 * @param database the database file
 * @param objectsDropped the HarmonyLite triggers, views, indexes and tables dropped, 0 when there were none
 * @param unsentChanges captured changes that had not been acknowledged by JetStream and are now lost
 * @since 0.1.0
 */
public record CaptureRemoval(Path database, int objectsDropped, long unsentChanges) {

	/**
	 * Uninstalls change capture from a database no engine runs on; does nothing (and creates nothing) when the file
	 * does not exist or holds no HarmonyLite object.
	 * @param database the database file
	 * @return what was removed
	 * @throws HarmonyLiteException if the database cannot be changed
	 */
	public static CaptureRemoval uninstall(Path database) {
		if (!Files.isRegularFile(database)) {
			return new CaptureRemoval(database, 0, 0);
		}
		try (Connection connection = SqliteConnections.open(database)) {
			int objects = (int) count(connection, "SELECT count(*) FROM sqlite_schema WHERE substr(name, 1, ?) = ?",
					SchemaReader.INTERNAL_PREFIX.length(), SchemaReader.INTERNAL_PREFIX);
			if (objects == 0) {
				return new CaptureRemoval(database, 0, 0);
			}
			long unsent = (count(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?",
					ChangeCapture.CHANGE_LOG_TABLE) > 0)
							? new ChangeLogReader(connection, 0).pendingCount() : 0;
			new ChangeCapture(connection, List.of(), List.of()).uninstall();
			Files.deleteIfExists(PublishedThrough.fileOf(database));
			return new CaptureRemoval(database, objects, unsent);
		}
		catch (SQLException | IOException ex) {
			throw new HarmonyLiteException("Could not uninstall change capture from " + database + ": "
					+ ex.getMessage(), ex);
		}
	}

	private static long count(Connection connection, String sql, Object... parameters) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? rows.getLong(1) : 0;
			}
		}
	}

	/**
	 * Describes the removal for a log line or a command's output.
	 * @return e.g. {@code Removed 9 HarmonyLite object(s) from /data/app.db; 2 captured change(s) not yet sent were
	 * discarded. User tables and data are unchanged.}
	 */
	public String describe() {
		if (this.objectsDropped == 0) {
			return "No HarmonyLite capture found in " + this.database + "; nothing removed.";
		}
		return "Removed " + this.objectsDropped + " HarmonyLite trigger(s), table(s) and index(es) from " + this.database
				+ ((this.unsentChanges > 0) ? "; " + this.unsentChanges + " captured change(s) not yet sent were "
						+ "discarded" : "")
				+ ". User tables and data are unchanged.";
	}

}
