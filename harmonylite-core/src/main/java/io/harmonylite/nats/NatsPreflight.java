package io.harmonylite.nats;

import java.nio.file.Path;

import io.harmonylite.ConfigException;
import io.harmonylite.nats.embedded.EmbeddedNatsServer;
import io.harmonylite.nats.embedded.NatsPortInUseException;
import io.harmonylite.nats.embedded.NatsServerBinary;
import io.harmonylite.nats.embedded.NatsServerNotFoundException;

/**
 * Checks, without starting or connecting anything, what would certainly keep a node from reaching NATS: for the
 * embedded server a missing {@code nats-server} executable or a taken client port, and the NKey seed and TLS files.
 * Callers run it before work that should not happen when the node cannot start, such as a schema migration.
 * <p>
 * An unreachable server is not checked: it may come up within the connection retries.
 *
 * @since 0.1.0
 */
public final class NatsPreflight {

	private NatsPreflight() {
	}

	/**
	 * Runs the checks.
	 * @param config the node's NATS settings
	 * @param nodeId the node's id
	 * @param dbPath the node's database, next to which the embedded server keeps its store by default
	 * @throws NatsServerNotFoundException when the embedded mode finds no {@code nats-server}
	 * @throws NatsPortInUseException when the embedded server's client port is taken
	 * @throws ConfigException when a configured file (binary, NKey seed, TLS) is missing or invalid
	 */
	public static void check(NatsConfig config, long nodeId, Path dbPath) {
		if (config.isEmbedded()) {
			NatsServerBinary.locate(config.embedded().binary(), NatsServerBinary.defaultSearchDirs());
			int port = config.embedded().port();
			if (port != 0) {
				NatsPortInUseException.requireFree(EmbeddedNatsServer.CLIENT_HOST, port,
						"the embedded nats-server of node " + nodeId);
			}
		}
		// Reads and checks the NKey seed and TLS files, as the engine will.
		new NatsConnector(config, nodeId);
	}

}
