package io.harmonylite.nats.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises one {@code nats-server} process started from a configuration file: starts it, waits until it accepts
 * client connections, and stops or kills it.
 * <p>
 * On POSIX systems a small {@code /bin/sh} watchdog process runs next to the server: it blocks reading its stdin, a
 * pipe from this JVM, and terminates the server when the pipe reaches end of file, which the kernel causes when the
 * JVM exits for any reason, including {@code SIGKILL}. A JVM shutdown hook stops the server only where no watchdog
 * runs: otherwise the server stays up while the JVM shuts down, for the application's orderly stop (which sends what
 * is pending through it), and the watchdog stops it once the JVM is gone. The process can be started again after it
 * was stopped or killed, on the same ports and store.
 *
 * @since 0.1.0
 */
public final class NatsServerProcess implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NatsServerProcess.class);

	/**
	 * Reads stdin (a pipe from this JVM, never written to) with the shell's built-in {@code read} until end of file,
	 * then sends the server ({@code $0}) SIGTERM, and SIGKILL if it is still alive ten seconds later. While the JVM
	 * lives, the watchdog is killed before the server is stopped, so it never signals a pid that was reused.
	 */
	private static final String WATCHDOG_SCRIPT = """
			while read -r line; do :; done
			kill -TERM "$0" 2>/dev/null
			n=0
			while kill -0 "$0" 2>/dev/null; do
			  n=$((n+1))
			  if [ $n -gt 100 ]; then kill -KILL "$0" 2>/dev/null; break; fi
			  sleep 0.1
			done
			""";

	private static final Path SHELL = Path.of("/bin/sh");

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final int LOG_TAIL_LINES = 30;

	private final Path binary;

	private final Path configFile;

	private final String host;

	private final int clientPort;

	private final Path logFile;

	private final String description;

	private volatile @Nullable Process process;

	private @Nullable Process watchdog;

	private @Nullable Thread shutdownHook;

	/** Set by the JVM shutdown hook: from then on the server is never started again. */
	private volatile boolean jvmShuttingDown;

	/**
	 * Describes a server; nothing is started yet.
	 * @param binary the {@code nats-server} executable
	 * @param configFile the configuration file passed with {@code -c}
	 * @param host the host clients connect to, used to check readiness
	 * @param clientPort the client port the configuration listens on
	 * @param logFile where the server's output is appended
	 * @param description a short name for log and error messages, e.g. {@code embedded nats-server of node 1}
	 */
	public NatsServerProcess(Path binary, Path configFile, String host, int clientPort, Path logFile,
			String description) {
		this.binary = binary;
		this.configFile = configFile;
		this.host = host;
		this.clientPort = clientPort;
		this.logFile = logFile;
		this.description = description;
	}

	/**
	 * Starts the server and waits until it accepts client connections; does nothing when it is running.
	 * @param timeout how long to wait for the server to accept connections
	 * @throws HarmonyLiteException when the process cannot be started, exits, or is not ready in time; the message
	 * includes the end of its log
	 */
	public synchronized void start(Duration timeout) {
		if (isAlive()) {
			return;
		}
		if (this.jvmShuttingDown) {
			throw new HarmonyLiteException("Not starting " + this.description + ": the JVM is shutting down");
		}
		requireFreePort();
		Process started = launch();
		this.process = started;
		try {
			this.watchdog = startWatchdog(started);
		}
		catch (HarmonyLiteException ex) {
			destroy(started);
			throw ex;
		}
		registerShutdownHook();
		logger.info("Started {} (pid {}) with {}, client port {}, log {}", this.description, started.pid(),
				this.configFile, this.clientPort, this.logFile);
		awaitClientPort(started, timeout);
	}

	/**
	 * Fails when something already listens on the client port; otherwise readiness could be mistaken for that
	 * other server's greeting.
	 */
	private void requireFreePort() {
		NatsPortInUseException.requireFree(this.host, this.clientPort, this.description);
	}

	private Process launch() {
		try {
			Files.createDirectories(this.logFile.toAbsolutePath().getParent());
			Process started = new ProcessBuilder(this.binary.toString(), "-c", this.configFile.toString())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
				.start();
			started.getOutputStream().close();
			return started;
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not start " + this.description + " (" + this.binary + " -c "
					+ this.configFile + "): " + ex.getMessage() + ". Check that the binary exists and is executable.",
					ex);
		}
	}

	private @Nullable Process startWatchdog(Process server) {
		if (!Files.isExecutable(SHELL)) {
			logger.debug("No {}; {} is stopped by a JVM shutdown hook only", SHELL, this.description);
			return null;
		}
		try {
			Process started = new ProcessBuilder(SHELL.toString(), "-c", WATCHDOG_SCRIPT, Long.toString(server.pid()))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			started.onExit().thenRun(() -> watchdogExited(started, server));
			return started;
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not start the watchdog of " + this.description + " (" + SHELL
					+ "): " + ex.getMessage(), ex);
		}
	}

	/**
	 * Starts a new watchdog when one exits while its server runs (killed by someone), so that the server still stops
	 * with this JVM: without it, a later kill of the JVM would leave the server running on, a cluster peer with no
	 * node behind it. A watchdog stopped on purpose is no longer {@link #watchdog}.
	 */
	private synchronized void watchdogExited(Process exited, Process server) {
		if (this.watchdog != exited || this.process != server || !server.isAlive() || this.jvmShuttingDown) {
			return;
		}
		logger.warn("The watchdog of {} (pid {}) exited while the server runs; starting a new one, so that the server "
				+ "still stops when this JVM ends", this.description, exited.pid());
		try {
			this.watchdog = startWatchdog(server);
		}
		catch (HarmonyLiteException ex) {
			logger.warn("Could not start a new watchdog of {}: {}", this.description, ex.getMessage());
		}
	}

	private void awaitClientPort(Process started, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		long pauseMillis = 10;
		while (true) {
			if (!started.isAlive()) {
				destroy(started);
				throw new HarmonyLiteException(this.description + " exited with status " + started.exitValue()
						+ " during startup (config " + this.configFile + "). End of its log " + this.logFile + ":\n"
						+ logTail());
			}
			if (acceptsClients()) {
				logger.debug("{} accepts client connections on {}:{}", this.description, this.host, this.clientPort);
				return;
			}
			if (System.nanoTime() > deadline) {
				String tail = logTail();
				destroy(started);
				throw new HarmonyLiteException(this.description + " did not accept client connections on " + this.host
						+ ":" + this.clientPort + " within " + timeout.toMillis() + " ms (config " + this.configFile
						+ "); it was stopped. End of its log " + this.logFile + ":\n" + tail);
			}
			try {
				// Polls the port with a short, growing pause; readiness is observed, not assumed.
				started.waitFor(pauseMillis, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				destroy(started);
				throw new HarmonyLiteException("Interrupted while waiting for " + this.description + " to start", ex);
			}
			pauseMillis = Math.min(pauseMillis * 2, 200);
		}
	}

	/**
	 * Whether the server answers on its client port with its {@code INFO} greeting.
	 * @return {@code true} when a client can connect
	 */
	public boolean acceptsClients() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(this.host, this.clientPort), 500);
			socket.setSoTimeout(1000);
			InputStream in = socket.getInputStream();
			byte[] greeting = new byte[5];
			int read = 0;
			while (read < greeting.length) {
				int n = in.read(greeting, read, greeting.length - read);
				if (n < 0) {
					return false;
				}
				read += n;
			}
			return new String(greeting, StandardCharsets.US_ASCII).equals("INFO ");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Stops the server gracefully (SIGTERM), then forcibly after a timeout; does nothing when it is not running.
	 */
	public synchronized void stop() {
		Process running = this.process;
		if (running != null && !running.isAlive()) {
			// It exited on its own (crashed or killed): only its watchdog is left to end.
			stopWatchdog();
		}
		else if (running != null) {
			stopWatchdog();
			running.destroy();
			boolean exited = waitFor(running, STOP_TIMEOUT);
			if (!exited) {
				logger.warn("{} (pid {}) did not stop within {} s after SIGTERM; killing it", this.description,
						running.pid(), STOP_TIMEOUT.toSeconds());
				running.destroyForcibly();
				waitFor(running, STOP_TIMEOUT);
			}
			logger.info("Stopped {} (pid {})", this.description, running.pid());
		}
		release();
	}

	/**
	 * Kills the server with SIGKILL, as a crash would, and waits until it is gone; does nothing when it is not
	 * running.
	 */
	public synchronized void kill() {
		Process running = this.process;
		if (running != null) {
			stopWatchdog();
			running.destroyForcibly();
			waitFor(running, STOP_TIMEOUT);
			logger.info("Killed {} (pid {})", this.description, running.pid());
		}
		release();
	}

	/**
	 * Stops the server; same as {@link #stop()}.
	 */
	@Override
	public void close() {
		stop();
	}

	/**
	 * Whether the server process is running.
	 * @return {@code true} when started and not exited
	 */
	public synchronized boolean isAlive() {
		Process running = this.process;
		return running != null && running.isAlive();
	}

	/**
	 * The operating-system id of the server process, without waiting for a start or stop in progress.
	 * @return the pid, empty when it is not running
	 */
	OptionalLong runningPid() {
		Process running = this.process;
		return (running != null) ? OptionalLong.of(running.pid()) : OptionalLong.empty();
	}

	/**
	 * The operating-system id of the running server process.
	 * @return the pid
	 * @throws IllegalStateException when the server is not running
	 */
	public synchronized long pid() {
		Process running = this.process;
		if (running == null) {
			throw new IllegalStateException(this.description + " is not running");
		}
		return running.pid();
	}

	/**
	 * The client port.
	 * @return the port
	 */
	public int clientPort() {
		return this.clientPort;
	}

	/**
	 * The file the server's output is appended to.
	 * @return the log file
	 */
	public Path logFile() {
		return this.logFile;
	}

	/**
	 * The last lines of the server's log, for error messages.
	 * @return the log tail, or a note when there is no log
	 */
	public String logTail() {
		return logTail(this.logFile);
	}

	/**
	 * The last lines of a server log, for error messages.
	 * @param logFile the log file
	 * @return the log tail, or a note when there is no log
	 */
	static String logTail(Path logFile) {
		try {
			if (!Files.exists(logFile)) {
				return "(no log written)";
			}
			List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
		}
		catch (IOException | java.io.UncheckedIOException ex) {
			return "(log unreadable: " + ex.getMessage() + ")";
		}
	}

	/**
	 * Completes when the running process exits, for whatever reason: stopped, killed or crashed.
	 * @return the exit status; already complete (-1) when nothing runs
	 */
	public CompletableFuture<Integer> onExit() {
		Process running = this.process;
		return (running != null) ? running.onExit().thenApply(Process::exitValue)
				: CompletableFuture.completedFuture(-1);
	}

	private void destroy(Process running) {
		stopWatchdog();
		running.destroyForcibly();
		waitFor(running, STOP_TIMEOUT);
		release();
	}

	private void stopWatchdog() {
		Process running = this.watchdog;
		this.watchdog = null;
		if (running != null) {
			running.destroyForcibly();
			waitFor(running, STOP_TIMEOUT);
		}
	}

	private boolean waitFor(Process running, Duration timeout) {
		try {
			return running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !running.isAlive();
		}
	}

	private void registerShutdownHook() {
		if (this.shutdownHook == null) {
			Thread hook = new Thread(this::killOnShutdown, "nats-server-shutdown-" + this.clientPort);
			Runtime.getRuntime().addShutdownHook(hook);
			this.shutdownHook = hook;
		}
	}

	/**
	 * Whether the JVM shutdown hook stopped (or is stopping) the server; an exit then is expected, not a crash.
	 * @return {@code true} once the JVM began shutting down with this server started
	 */
	public boolean stoppedByJvmShutdown() {
		return this.jvmShuttingDown;
	}

	private void killOnShutdown() {
		this.jvmShuttingDown = true;
		Process watching = this.watchdog;
		if (watching != null && watching.isAlive()) {
			// The watchdog stops the server once this JVM is gone. Until then the application's own shutdown (which
			// runs at the same time as this hook) may still need it: a node stopping in order sends what is pending.
			return;
		}
		Process running = this.process;
		if (running != null && running.isAlive()) {
			running.destroy();
			if (!waitFor(running, Duration.ofSeconds(5))) {
				running.destroyForcibly();
			}
		}
	}

	private void release() {
		this.process = null;
		Thread hook = this.shutdownHook;
		this.shutdownHook = null;
		if (hook != null && Thread.currentThread() != hook) {
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// The JVM is already shutting down; the hook runs anyway.
			}
		}
	}

}
