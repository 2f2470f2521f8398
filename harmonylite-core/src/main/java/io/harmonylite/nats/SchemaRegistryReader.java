package io.harmonylite.nats;

import java.util.List;

import io.harmonylite.schema.NodeSchemaState;
import io.nats.client.Connection;

/**
 * Reads the cluster's schema registry over a short-lived connection, for status commands.
 *
 * @since 0.1.0
 */
public final class SchemaRegistryReader {

	private SchemaRegistryReader() {
	}

	/**
	 * Connects, reads every node's published schema state, and disconnects.
	 * @param config how to reach NATS
	 * @param nodeId the asking node's id, for the connection name
	 * @param servers the servers to try
	 * @return the nodes' states
	 * @throws NatsConnectionException if no server could be reached
	 */
	public static List<NodeSchemaState> read(NatsConfig config, long nodeId, List<String> servers) {
		Connection connection = new NatsConnector(config, nodeId).connect(servers);
		try {
			return new KvSchemaRegistry(connection).nodes();
		}
		finally {
			try {
				connection.close();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
