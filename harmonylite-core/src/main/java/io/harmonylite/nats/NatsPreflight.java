package io.harmonylite.nats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.harmonylite.ConfigException;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.nats.embedded.EmbeddedNatsServer;
import io.harmonylite.nats.embedded.NatsPortInUseException;
import io.harmonylite.nats.embedded.NatsServerBinary;
import io.harmonylite.nats.embedded.NatsServerNotFoundException;

/**
 * Checks, without starting or connecting anything, what would certainly keep a node from reaching NATS: for the
 * embedded server a missing {@code nats-server} executable, a store directory of another node, a taken client, cluster
 * or monitoring port, or a store directory it cannot write; and the NKey seed and TLS files. The one thing it changes:
 * it stops a server an earlier run of this node left running (see {@link EmbeddedNatsServer#reclaimStore()}).
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
	 * @throws ConfigException when a configured file (binary, NKey seed, TLS) is missing or invalid, the embedded
	 * server's cluster or monitoring port is taken, or its store directory cannot be written
	 */
	public static void check(NatsConfig config, long nodeId, Path dbPath) {
		if (config.isEmbedded()) {
			EmbeddedNatsConfig embedded = config.embedded();
			NatsServerBinary.locate(embedded.binary(), NatsServerBinary.defaultSearchDirs());
			// Before the ports are checked: a server an earlier run of this node left holds them.
			new EmbeddedNatsServer(embedded, nodeId, dbPath).reclaimStore();
			int port = embedded.port();
			if (port != 0) {
				NatsPortInUseException.requireFree(EmbeddedNatsServer.CLIENT_HOST, port,
						"the embedded nats-server of node " + nodeId);
			}
			String clusterAddr = embedded.clusterAddr();
			if (clusterAddr != null) {
				int colon = clusterAddr.lastIndexOf(':');
				String host = clusterAddr.substring(0, colon);
				requireListenable(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(clusterAddr.substring(colon + 1)),
						"harmonylite.nats.embedded.cluster-addr", "cluster (route) address");
			}
			if (embedded.monitorPort() != 0) {
				requireListenable(EmbeddedNatsServer.CLIENT_HOST, embedded.monitorPort(),
						"harmonylite.nats.embedded.monitor-port", "monitoring port");
			}
			if (embedded.storeDir() != null) {
				requireWritable(embedded.storeDir());
			}
		}
		// Reads and checks the NKey seed and TLS files, as the engine will.
		new NatsConnector(config, nodeId);
	}

	private static void requireListenable(String host, int port, String property, String what) {
		try {
			NatsPortInUseException.requireFree(host, port, "the embedded nats-server");
		}
		catch (NatsPortInUseException ex) {
			throw new ConfigException(property, "the embedded nats-server cannot listen on its " + what + " " + host
					+ ":" + port + " (" + ex.getCause().getMessage() + "): another process uses it (another node or "
					+ "nats-server on this machine?), or the address is not one of this machine's; choose another");
		}
	}

	private static void requireWritable(Path storeDir) {
		Path existing = storeDir.toAbsolutePath();
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
			throw unwritable(storeDir, (existing == null) ? "no existing parent directory"
					: existing + " is not a writable directory");
		}
		try {
			// Access rights alone do not tell (root may write anywhere, yet not create a directory in /proc).
			Files.createDirectories(storeDir);
		}
		catch (IOException ex) {
			throw unwritable(storeDir, "it cannot be created: " + ex);
		}
	}

	private static ConfigException unwritable(Path storeDir, String why) {
		return new ConfigException("harmonylite.nats.embedded.store-dir", "the embedded nats-server cannot write its "
				+ "store in " + storeDir + " (" + why + "); choose a directory this process can write");
	}

}
