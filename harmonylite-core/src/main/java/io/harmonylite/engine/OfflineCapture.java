package io.harmonylite.engine;

import java.sql.Connection;
import java.sql.SQLException;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.conflict.LiveRowVersions;
import io.harmonylite.conflict.VersionColumnRenames;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * Change capture of a node's database while its engine does not run: installed as the engine installs it at its start
 * (renamed columns keep their versions, rows the node replicated before are not sent again), or its triggers removed.
 */
final class OfflineCapture {

	private final HarmonyLiteConfig config;

	OfflineCapture(HarmonyLiteConfig config) {
		this.config = config;
	}

	/**
	 * Installs capture on a connection of its own.
	 * @throws SQLException if the database cannot be opened
	 */
	void install() throws SQLException {
		try (Connection connection = SqliteConnections.open(this.config.dbPath())) {
			capture(connection).install();
		}
	}

	/**
	 * Installs capture on a connection of its own, as a running node regenerates it: a table that cannot be captured
	 * (no primary key, say a migration tool's own table the engine leaves out when it starts) is left out, not a
	 * failure.
	 * @throws SQLException if the database cannot be opened
	 */
	void reinstall() throws SQLException {
		try (Connection connection = SqliteConnections.open(this.config.dbPath())) {
			// The engine's start that follows warns of the tables, once.
			capture(connection).withoutTableWarnings().reinstall();
		}
	}

	/**
	 * Removes the capture triggers on a connection of its own.
	 * @return how many triggers there were
	 * @throws SQLException if the database cannot be opened
	 */
	int removeTriggers() throws SQLException {
		try (Connection connection = SqliteConnections.open(this.config.dbPath())) {
			return capture(connection).removeTriggers();
		}
	}

	private ChangeCapture capture(Connection connection) {
		return new ChangeCapture(connection, this.config.tables(), this.config.ignoreTables(),
				new VersionColumnRenames(), new LiveRowVersions());
	}

}
