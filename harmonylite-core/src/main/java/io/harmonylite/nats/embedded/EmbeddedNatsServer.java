package io.harmonylite.nats.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code nats-server} a node starts when no external NATS servers are configured: JetStream on with the
 * configured sync, client port on the loopback interface, and optionally a cluster listener with routes to the other
 * nodes' servers. {@link EmbeddedServerSupervisor} restarts it when it dies.
 * <p>
 * The generated configuration, the log, the pid file and the JetStream data live in the store directory
 * ({@code harmonylite.nats.embedded.store-dir}, by default {@code <database file>-nats} next to the database). A
 * restart reuses the same ports and store.
 *
 * @since 0.1.0
 */
public final class EmbeddedNatsServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedNatsServer.class);

	/** The cluster name every embedded server uses, so that nodes' servers can route to each other. */
	public static final String CLUSTER_NAME = "harmonylite";

	/** The interface the client port listens on; only the local node connects to it. */
	public static final String CLIENT_HOST = "127.0.0.1";

	/** The file in the store directory holding the server's process id. */
	public static final String PID_FILE = "nats-server.pid";

	private static final int LOG_SCAN_BYTES = 1024 * 1024;

	private static final String CONFIG_FILE = "nats-server.conf";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final EmbeddedNatsConfig config;

	private final long nodeId;

	private final Path storeDir;

	private final List<Path> searchDirs;

	private @Nullable NatsServerBinary binary;

	private volatile @Nullable NatsServerProcess process;

	private int clientPort;

	/** Where the log of the running server's start begins: what is before it, earlier runs wrote. */
	private volatile long logStart;

	/**
	 * Describes the server of one node; nothing is started yet.
	 * @param config the embedded server settings
	 * @param nodeId the node's id, used in the server name {@code harmonylite-node-<id>}
	 * @param dbPath the node's database file; the default store directory is {@code <dbPath>-nats}
	 */
	public EmbeddedNatsServer(EmbeddedNatsConfig config, long nodeId, Path dbPath) {
		this(config, nodeId, dbPath, NatsServerBinary.defaultSearchDirs());
	}

	EmbeddedNatsServer(EmbeddedNatsConfig config, long nodeId, Path dbPath, List<Path> searchDirs) {
		this.config = config;
		this.nodeId = nodeId;
		this.storeDir = (config.storeDir() != null) ? config.storeDir()
				: dbPath.toAbsolutePath().resolveSibling(dbPath.getFileName() + "-nats");
		this.searchDirs = List.copyOf(searchDirs);
	}

	/**
	 * The server name of a node's embedded server, as its cluster and the streams' replica lists know it.
	 * @param nodeId the node's id
	 * @return {@code harmonylite-node-<id>}
	 */
	public static String serverName(long nodeId) {
		return "harmonylite-node-" + nodeId;
	}

	/**
	 * Finds the binary (once), writes the configuration and starts the server, waiting until it accepts client
	 * connections (not for its cluster peers); does nothing when it is running. A server older than 2.10 runs without
	 * {@code sync_interval}, which it does not know, and a WARN says that its acknowledgements are not durable.
	 * @throws NatsServerNotFoundException when no {@code nats-server} executable is found
	 * @throws HarmonyLiteException when the server does not start; the message includes the end of its log
	 */
	public synchronized void start() {
		NatsServerProcess previous = this.process;
		if (previous != null) {
			if (previous.isAlive()) {
				return;
			}
			if (previous.stoppedByJvmShutdown()) {
				throw new HarmonyLiteException("Not restarting the embedded nats-server of node " + this.nodeId
						+ ": the JVM is shutting down");
			}
			// The server exited on its own; release it before starting a new one.
			previous.stop();
			this.process = null;
		}
		NatsServerBinary server = binary();
		if (previous == null) {
			// First start in this JVM: the store must be this node's own (its server's name follows the node id).
			ClusteredStore.check(this.storeDir, this.config.clusterAddr());
			StoreOwner.claim(this.storeDir, this.nodeId);
		}
		if (this.clientPort == 0) {
			// Chosen once: a restarted server must be where the node's client reconnects to.
			this.clientPort = (this.config.port() != 0) ? this.config.port() : freePort();
		}
		Path configFile = this.storeDir.resolve(CONFIG_FILE);
		try {
			Files.createDirectories(this.storeDir);
			Files.writeString(configFile, ServerConfigText.render(this.config, this.nodeId, this.storeDir,
					this.clientPort, server.supportsSyncAlways()), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not write the embedded nats-server configuration " + configFile
					+ ": " + ex.getMessage() + ". Check that harmonylite.nats.embedded.store-dir (" + this.storeDir
					+ ") is writable.", ex);
		}
		String description = description();
		if (previous == null) {
			LeftoverServer.stop(pidFile(), configFile, description);
		}
		this.logStart = logFile().toFile().length();
		NatsServerProcess started = new NatsServerProcess(server.path(), configFile, CLIENT_HOST, this.clientPort,
				logFile(), description);
		started.start(START_TIMEOUT);
		this.process = started;
	}

	/**
	 * Readies the store directory before anything checks or binds the server's ports: refuses it when it belongs to
	 * another node, and stops the server an earlier run of this node left running in it (its watchdog and its JVM
	 * killed), which would hold those ports for good.
	 * @throws io.harmonylite.ConfigException naming {@code harmonylite.node-id} when the store belongs to another node,
	 * or {@code harmonylite.nats.embedded.cluster-addr} when a clustered server's store is started without its cluster
	 */
	public void reclaimStore() {
		ClusteredStore.check(this.storeDir, this.config.clusterAddr());
		StoreOwner.check(this.storeDir, this.nodeId);
		LeftoverServer.stop(pidFile(), this.storeDir.resolve(CONFIG_FILE), description());
	}

	private String description() {
		return "embedded nats-server of node " + this.nodeId;
	}

	/**
	 * The executable this server runs, located on first use.
	 * @return the binary and its version
	 * @throws NatsServerNotFoundException when no {@code nats-server} executable is found
	 */
	public synchronized NatsServerBinary binary() {
		if (this.binary == null) {
			NatsServerBinary located = NatsServerBinary.locate(this.config.binary(), this.searchDirs);
			if (!located.supportsSyncAlways()) {
				logger.warn("Node {}: {} is nats-server {}, which cannot sync every write to disk before "
						+ "acknowledging it (sync_interval needs 2.10): acknowledged changes can be lost on a power "
						+ "loss. Install nats-server 2.10 or newer (.ci/install-nats-server on Debian 12), or point "
						+ "harmonylite.nats.embedded.binary to one.", this.nodeId, located.path(), located.version());
			}
			this.binary = located;
		}
		return this.binary;
	}

	/**
	 * The sync setting the running server was configured with.
	 * @return {@code always}, an interval, or nats-server's default {@code 2m} for a server older than 2.10
	 */
	public String effectiveSync() {
		return binary().supportsSyncAlways() ? this.config.sync() : "2m";
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
	 * The directory holding the configuration, the log, the pid file and the JetStream data.
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
	 * The file the server writes its process id to.
	 * @return the pid file
	 */
	public Path pidFile() {
		return this.storeDir.resolve(PID_FILE);
	}

	/**
	 * The last lines of the server's log, for error messages.
	 * @return the log tail, or a note when there is no log
	 */
	public String logTail() {
		return NatsServerProcess.logTail(logFile());
	}

	/**
	 * Whether the server's log mentions a text since the server's last start, in its last megabyte (earlier runs'
	 * lines do not count).
	 * @param text the text, e.g. a message nats-server logs
	 * @return {@code true} when it is there
	 */
	public boolean logMentions(String text) {
		try (java.io.RandomAccessFile log = new java.io.RandomAccessFile(logFile().toFile(), "r")) {
			long start = Math.max(Math.min(this.logStart, log.length()), log.length() - LOG_SCAN_BYTES);
			byte[] bytes = new byte[(int) (log.length() - start)];
			log.seek(start);
			log.readFully(bytes);
			return new String(bytes, StandardCharsets.UTF_8).contains(text);
		}
		catch (IOException ex) {
			return false;
		}
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
	 * The operating-system id of the server process, without waiting for a start or stop in progress.
	 * @return the pid, empty when it is not running
	 */
	public OptionalLong startedPid() {
		NatsServerProcess server = this.process;
		return (server != null) ? server.runningPid() : OptionalLong.empty();
	}

	/**
	 * Completes when the running server process exits, for whatever reason.
	 * @return the exit, with the process' exit status; already complete when the server is not running
	 */
	public synchronized CompletableFuture<Integer> onExit() {
		NatsServerProcess server = this.process;
		return (server != null) ? server.onExit() : CompletableFuture.completedFuture(-1);
	}

	/**
	 * Whether the JVM shutdown hook stopped the server: its exit is expected and it must not be restarted.
	 * @return {@code true} once the JVM began shutting down with this server started
	 */
	public synchronized boolean stoppedByJvmShutdown() {
		NatsServerProcess server = this.process;
		return server != null && server.stoppedByJvmShutdown();
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
