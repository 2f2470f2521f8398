package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaVersion;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.snapshot.ReplicatedTables;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * The schema hashes a stopped node would accept once started: the hash of its tables as they are now, and as previous
 * hash the one recorded at its last run when they differ (a migration made while it was stopped), otherwise the
 * previous one recorded.
 */
final class OfflineSchema {

	private OfflineSchema() {
	}

	/**
	 * Whether change capture is installed in a database, so that its local changes can be recorded.
	 * @param database the database file
	 * @return {@code true} when the change log exists
	 */
	static boolean captureInstalled(Path database) {
		try (Connection connection = SqliteConnections.open(database);
				PreparedStatement query = connection
					.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
			query.setString(1, ChangeCapture.CHANGE_LOG_TABLE);
			try (ResultSet rows = query.executeQuery()) {
				return rows.next();
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read " + database + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * The gate a stopped node would start with.
	 * @param config the node's configuration
	 * @param connection a connection to its database
	 * @return the gate
	 */
	static SchemaGate gate(HarmonyLiteConfig config, Connection connection) {
		String current = new ReplicatedTables(config.tables(), config.ignoreTables()).schemaHash(connection);
		Optional<SchemaVersion> recorded = new SchemaVersionStore(connection).load();
		String previous = recorded.map((version) -> version.hash().equals(current) ? version.previousHash()
				: version.hash()).orElse(null);
		return new SchemaGate(config.nodeId(), current, previous);
	}

}
