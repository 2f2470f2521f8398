package io.harmonylite.nats.embedded;

import java.nio.file.Path;

/**
 * Writes the {@code nats-server} configuration of an embedded server: JetStream with the configured sync, the client
 * port and monitoring on the loopback interface only, a pid file, short pings (stale routes are noticed in seconds),
 * and the cluster block with its routes.
 */
final class ServerConfigText {

	/** How often the server pings its clients and routes. */
	static final String PING_INTERVAL = "2s";

	/** Unanswered pings after which the server closes a connection as stale. */
	static final int PING_MAX = 2;

	private ServerConfigText() {
	}

	/**
	 * The configuration file's text.
	 * @param config the embedded server settings
	 * @param nodeId the node's id, in the server name {@code harmonylite-node-<id>}
	 * @param storeDir the store directory, also holding the pid file
	 * @param clientPort the client port
	 * @param syncSupported whether the binary knows {@code sync_interval} (2.10 and newer; 2.9 refuses the key)
	 * @return the configuration
	 */
	static String render(EmbeddedNatsConfig config, long nodeId, Path storeDir, int clientPort, boolean syncSupported) {
		Path store = storeDir.toAbsolutePath();
		StringBuilder text = new StringBuilder();
		text.append("# Written by HarmonyLite node ").append(nodeId).append(" at every start; edits are lost.\n");
		text.append("server_name: ").append(quote(EmbeddedNatsServer.serverName(nodeId))).append('\n');
		text.append("listen: ").append(quote(EmbeddedNatsServer.CLIENT_HOST + ":" + clientPort)).append('\n');
		text.append("max_payload: ").append(config.maxPayload()).append('\n');
		text.append("pid_file: ").append(quote(store.resolve(EmbeddedNatsServer.PID_FILE).toString())).append('\n');
		// A route whose peer went silent (cut off, frozen) is closed after two unanswered pings, about 4 s, rather
		// than nats-server's default of 4 minutes: the server then dials the peer afresh every second, and the route
		// is back within a second or two of the network healing, instead of waiting on the old connection's TCP
		// retransmissions, which back off to tens of seconds while packets are dropped.
		text.append("ping_interval: ").append(quote(PING_INTERVAL)).append('\n');
		text.append("ping_max: ").append(PING_MAX).append('\n');
		if (config.monitorPort() != 0) {
			text.append("http: ").append(quote(EmbeddedNatsServer.CLIENT_HOST + ":" + config.monitorPort())).append('\n');
		}
		text.append("jetstream {\n  store_dir: ").append(quote(store.toString())).append('\n');
		if (syncSupported) {
			text.append("  sync_interval: ").append(config.syncAlways() ? "always" : quote(config.sync())).append('\n');
		}
		text.append("}\n");
		String clusterAddr = config.clusterAddr();
		if (clusterAddr != null) {
			text.append("cluster {\n");
			text.append("  name: ").append(quote(EmbeddedNatsServer.CLUSTER_NAME)).append('\n');
			text.append("  listen: ").append(quote(clusterAddr)).append('\n');
			// Each node talks to its own server only; other servers' loopback client URLs mean nothing to it.
			text.append("  no_advertise: true\n");
			text.append("  routes: [\n");
			for (String route : config.routes()) {
				text.append("    ").append(quote(route)).append('\n');
			}
			text.append("  ]\n");
			text.append("}\n");
		}
		return text.toString();
	}

	private static String quote(String value) {
		return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
	}

}
