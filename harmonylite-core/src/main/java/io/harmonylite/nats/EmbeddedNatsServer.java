package io.harmonylite.nats;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code nats-server} a node starts and supervises when no external NATS servers are configured: JetStream on,
 * client port on the loopback interface, and optionally a cluster listener with routes to the other nodes' servers.
 * <p>
 * The generated configuration, the log and the JetStream data live in the store directory
 * ({@code harmonylite.nats.embedded.store-dir}, by default {@code <database file>-nats} next to the database).
 *
 * @since 0.1.0
 */
public final class EmbeddedNatsServer implements AutoCloseable {

	/** The cluster name every embedded server uses, so that nodes' servers can route to each other. */
	public static final String CLUSTER_NAME = "harmonylite";

	/** The interface the client port listens on; only the local node connects to it. */
	public static final String CLIENT_HOST = "127.0.0.1";

	private static final String BINARY_NAME = "nats-server";

	/** Where distributions install nats-server outside a normal user's PATH (Debian: /usr/sbin). */
	private static final List<Path> EXTRA_SEARCH_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"),
			Path.of("/sbin"), Path.of("/usr/local/bin"), Path.of("/usr/bin"));

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final EmbeddedNatsConfig config;

	private final long nodeId;

	private final Path storeDir;

	private final List<Path> searchDirs;

	private @Nullable NatsServerProcess process;

	private int clientPort;

	/**
	 * Describes the server of one node; nothing is started yet.
	 * @param config the embedded server settings
	 * @param nodeId the node's id, used in the server name {@code harmonylite-node-<id>}
	 * @param dbPath the node's database file; the default store directory is {@code <dbPath>-nats}
	 */
	public EmbeddedNatsServer(EmbeddedNatsConfig config, long nodeId, Path dbPath) {
		this(config, nodeId, dbPath, defaultSearchDirs());
	}

	EmbeddedNatsServer(EmbeddedNatsConfig config, long nodeId, Path dbPath, List<Path> searchDirs) {
		this.config = config;
		this.nodeId = nodeId;
		this.storeDir = (config.storeDir() != null) ? config.storeDir()
				: dbPath.toAbsolutePath().resolveSibling(dbPath.getFileName() + "-nats");
		this.searchDirs = List.copyOf(searchDirs);
	}

	private static List<Path> defaultSearchDirs() {
		Set<Path> dirs = new LinkedHashSet<>();
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(File.pathSeparator)) {
				if (!entry.isBlank()) {
					dirs.add(Path.of(entry));
				}
			}
		}
		dirs.addAll(EXTRA_SEARCH_DIRS);
		return new ArrayList<>(dirs);
	}

	/**
	 * Finds the binary, writes the configuration and starts the server, waiting until it accepts client connections
	 * (not for its cluster peers); does nothing when it is running.
	 * @throws NatsServerNotFoundException when no {@code nats-server} executable is found
	 * @throws HarmonyLiteException when the server does not start; the message includes the end of its log
	 */
	public synchronized void start() {
		NatsServerProcess previous = this.process;
		if (previous != null) {
			if (previous.isAlive()) {
				return;
			}
			// The server exited on its own; release it before starting a new one.
			previous.stop();
			this.process = null;
		}
		Path binary = resolveBinary();
		this.clientPort = (this.config.port() != 0) ? this.config.port() : freePort();
		Path configFile = this.storeDir.resolve("nats-server.conf");
		try {
			Files.createDirectories(this.storeDir);
			Files.writeString(configFile, configText(this.clientPort), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not write the embedded nats-server configuration " + configFile
					+ ": " + ex.getMessage() + ". Check that harmonylite.nats.embedded.store-dir (" + this.storeDir
					+ ") is writable.", ex);
		}
		NatsServerProcess server = new NatsServerProcess(binary, configFile, CLIENT_HOST, this.clientPort,
				this.storeDir.resolve("nats-server.log"), "embedded nats-server of node " + this.nodeId);
		server.start(START_TIMEOUT);
		this.process = server;
	}

	Path resolveBinary() {
		Path configured = this.config.binary();
		if (configured != null) {
			if (!Files.isRegularFile(configured) || !Files.isExecutable(configured)) {
				throw new ConfigException("harmonylite.nats.embedded.binary", "'" + configured
						+ "' is not an executable file. Point it to nats-server (install it with 'apt-get install "
						+ "nats-server' or from https://github.com/nats-io/nats-server/releases), or set "
						+ "harmonylite.nats.urls to use external NATS servers instead of the embedded one.");
			}
			return configured;
		}
		for (Path dir : this.searchDirs) {
			Path candidate = dir.resolve(BINARY_NAME);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new NatsServerNotFoundException("The embedded NATS mode (no harmonylite.nats.urls configured) needs the "
				+ "nats-server executable, but it was not found in " + this.searchDirs + ". Install it (Debian/Ubuntu: "
				+ "'apt-get install nats-server'; otherwise https://github.com/nats-io/nats-server/releases), or set "
				+ "harmonylite.nats.embedded.binary to its path, or set harmonylite.nats.urls to use external NATS "
				+ "servers instead.");
	}

	String configText(int port) {
		StringBuilder text = new StringBuilder();
		text.append("# Written by HarmonyLite node ").append(this.nodeId).append(" at every start; edits are lost.\n");
		text.append("server_name: ").append(quote("harmonylite-node-" + this.nodeId)).append('\n');
		text.append("listen: ").append(quote(CLIENT_HOST + ":" + port)).append('\n');
		text.append("jetstream {\n  store_dir: ").append(quote(this.storeDir.toAbsolutePath().toString())).append("\n}\n");
		String clusterAddr = this.config.clusterAddr();
		if (clusterAddr != null) {
			text.append("cluster {\n");
			text.append("  name: ").append(quote(CLUSTER_NAME)).append('\n');
			text.append("  listen: ").append(quote(clusterAddr)).append('\n');
			// Each node talks to its own server only; other servers' loopback client URLs mean nothing to it.
			text.append("  no_advertise: true\n");
			if (!this.config.clusterPeers().isEmpty()) {
				text.append("  routes: [\n");
				for (String peer : this.config.clusterPeers()) {
					text.append("    ").append(quote(peer)).append('\n');
				}
				text.append("  ]\n");
			}
			text.append("}\n");
		}
		return text.toString();
	}

	private static String quote(String value) {
		return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(CLIENT_HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port for the embedded nats-server", ex);
		}
	}

	/**
	 * The URL the node connects to.
	 * @return {@code nats://127.0.0.1:<port>}
	 * @throws IllegalStateException when the server was never started
	 */
	public synchronized String clientUrl() {
		if (this.clientPort == 0) {
			throw new IllegalStateException("The embedded nats-server of node " + this.nodeId + " was not started");
		}
		return "nats://" + CLIENT_HOST + ":" + this.clientPort;
	}

	/**
	 * The directory holding the configuration, the log and the JetStream data.
	 * @return the store directory
	 */
	public Path storeDir() {
		return this.storeDir;
	}

	/**
	 * The server's log file.
	 * @return the log file
	 */
	public Path logFile() {
		return this.storeDir.resolve("nats-server.log");
	}

	/**
	 * The operating-system id of the server process.
	 * @return the pid
	 * @throws IllegalStateException when the server is not running
	 */
	public synchronized long pid() {
		NatsServerProcess server = this.process;
		if (server == null) {
			throw new IllegalStateException("The embedded nats-server of node " + this.nodeId + " is not running");
		}
		return server.pid();
	}

	/**
	 * Whether the server process is running.
	 * @return {@code true} when started and not exited
	 */
	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Stops the server (SIGTERM, then SIGKILL after a timeout); does nothing when it is not running.
	 */
	public synchronized void stop() {
		NatsServerProcess server = this.process;
		this.process = null;
		if (server != null) {
			server.stop();
		}
	}

	/**
	 * Stops the server; same as {@link #stop()}.
	 */
	@Override
	public void close() {
		stop();
	}

}
