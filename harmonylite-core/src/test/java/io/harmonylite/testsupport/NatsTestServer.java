package io.harmonylite.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.harmonylite.nats.embedded.NatsServerProcess;

/**
 * A real {@code nats-server -js} on 127.0.0.1 for tests: a free client port, a temporary JetStream store, optional
 * extra configuration (authorization, TLS, cluster), and a log file whose tail is reported when startup fails.
 * <p>
 * The server can be stopped, killed ({@code SIGKILL}) and restarted on the same port and store. The process dies with
 * the test JVM even when the JVM is killed (see {@link NatsServerProcess}).
 *
 * @since 0.1.0
 */
public final class NatsTestServer implements AutoCloseable {

	/** The {@code nats-server} executable: {@code $NATS_SERVER_BIN}, else {@code /usr/sbin/nats-server}, else PATH. */
	public static final Path BINARY = findBinary();

	private static final String HOST = "127.0.0.1";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final Path dir;

	private final int port;

	private final String name;

	private final NatsServerProcess process;

	private NatsTestServer(Path dir, int port, String name, String extraConfig, String jetStreamConfig) {
		this.dir = dir;
		this.port = port;
		this.name = name;
		Path configFile = dir.resolve("nats-server.conf");
		String config = "server_name: \"" + name + "\"\n" + "listen: \"" + HOST + ":" + port + "\"\n"
				+ "jetstream {\n  store_dir: \"" + dir.resolve("store") + "\"\n" + jetStreamConfig + "\n}\n"
				+ extraConfig + "\n";
		try {
			Files.writeString(configFile, config, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.process = new NatsServerProcess(BINARY, configFile, HOST, port, dir.resolve("nats-server.log"),
				"test nats-server " + name);
	}

	/**
	 * Starts a JetStream server on a free port.
	 * @return the running server
	 */
	public static NatsTestServer start() {
		return start("");
	}

	/**
	 * Starts a JetStream server on a free port with extra configuration, e.g. an {@code authorization} block.
	 * @param extraConfig configuration text appended to the generated file
	 * @return the running server
	 */
	public static NatsTestServer start(String extraConfig) {
		int port = FreePorts.one();
		return start(port, "test-" + port, extraConfig);
	}

	/**
	 * Starts a JetStream server on a free port with extra configuration in and outside its {@code jetstream} block.
	 * @param extraConfig configuration text appended to the generated file, e.g. {@code accounts}
	 * @param jetStreamConfig lines added to the {@code jetstream} block, e.g. {@code sync_interval: always}
	 * @return the running server
	 */
	public static NatsTestServer start(String extraConfig, String jetStreamConfig) {
		int port = FreePorts.one();
		return start(port, "test-" + port, extraConfig, jetStreamConfig);
	}

	static NatsTestServer start(int port, String name, String extraConfig) {
		return start(port, name, extraConfig, "");
	}

	static NatsTestServer start(int port, String name, String extraConfig, String jetStreamConfig) {
		Path dir;
		try {
			dir = Files.createTempDirectory("nats-test-" + name + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		NatsTestServer server = new NatsTestServer(dir, port, name, extraConfig, jetStreamConfig);
		try {
			server.startProcess();
		}
		catch (RuntimeException ex) {
			server.deleteDir();
			throw ex;
		}
		return server;
	}

	private void startProcess() {
		this.process.start(START_TIMEOUT);
	}

	/**
	 * The client URL.
	 * @return {@code nats://127.0.0.1:<port>}
	 */
	public String url() {
		return "nats://" + HOST + ":" + this.port;
	}

	/**
	 * The client port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The server name ({@code server_name}).
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The temporary directory holding configuration, store and log.
	 * @return the directory
	 */
	public Path dir() {
		return this.dir;
	}

	/**
	 * The server's log file.
	 * @return the log file
	 */
	public Path logFile() {
		return this.process.logFile();
	}

	/**
	 * The server process id.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Whether the server process is running.
	 * @return {@code true} when running
	 */
	public boolean isRunning() {
		return this.process.isAlive();
	}

	/**
	 * Stops the server gracefully, keeping its store; {@link #restart()} starts it again.
	 */
	public void stop() {
		this.process.stop();
	}

	/**
	 * Kills the server with {@code SIGKILL}, keeping its store; {@link #restart()} starts it again.
	 */
	public void kill() {
		this.process.kill();
	}

	/**
	 * Stops the server when it runs, then starts it again on the same port and store, waiting until it accepts
	 * clients.
	 */
	public void restart() {
		this.process.stop();
		startProcess();
	}

	/**
	 * Stops the server and deletes its directory.
	 */
	@Override
	public void close() {
		this.process.stop();
		deleteDir();
	}

	private void deleteDir() {
		Directories.delete(this.dir);
	}

	private static Path findBinary() {
		String fromEnv = System.getenv("NATS_SERVER_BIN");
		if (fromEnv != null && !fromEnv.isBlank()) {
			return Path.of(fromEnv);
		}
		Path debian = Path.of("/usr/sbin/nats-server");
		if (Files.isExecutable(debian)) {
			return debian;
		}
		for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(entry, "nats-server");
			if (!entry.isBlank() && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return Path.of("nats-server");
	}

	@Override
	public String toString() {
		return "NatsTestServer[" + this.name + " " + url() + "]";
	}

}
