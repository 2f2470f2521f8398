package io.harmonylite.engine;

import java.sql.Connection;
import java.util.Optional;

import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaVersion;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.snapshot.ReplicatedTables;

/**
 * The schema hashes a stopped node would accept once started: the hash of its tables as they are now, and as previous
 * hash the one recorded at its last run when they differ (a migration made while it was stopped), otherwise the
 * previous one recorded.
 */
final class OfflineSchema {

	private OfflineSchema() {
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
