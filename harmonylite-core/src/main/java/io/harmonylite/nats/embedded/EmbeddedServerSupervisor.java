package io.harmonylite.nats.embedded;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's embedded {@code nats-server} running: starts it, and when it exits unexpectedly (crashed, killed)
 * logs an ERROR with the end of its log and starts it again on the same ports and store, retrying with backoff until
 * it runs. The NATS client reconnects to it by itself; while it is down the node captures changes and sends them
 * afterwards.
 *
 * @since 0.1.0
 */
public final class EmbeddedServerSupervisor implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedServerSupervisor.class);

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

	private final EmbeddedNatsServer server;

	private final long nodeId;

	private final Duration firstBackoff;

	private final Duration maxBackoff;

	private final ScheduledExecutorService executor;

	private final AtomicLong restarts = new AtomicLong();

	private volatile EmbeddedServerState state = EmbeddedServerState.STOPPED;

	private volatile boolean closed;

	/** Guarded by this: the pause before the next restart attempt, and how many attempts failed in a row. */
	private Duration backoff;

	private int failedAttempts;

	/** The process being watched; the exit of an earlier one (stopped by {@link #rejoin(String)}) is ignored. */
	private long watchedPid;

	/**
	 * Supervises a server; nothing is started yet.
	 * @param server the server
	 * @param nodeId the node's id, for log messages
	 */
	public EmbeddedServerSupervisor(EmbeddedNatsServer server, long nodeId) {
		this(server, nodeId, FIRST_BACKOFF, MAX_BACKOFF);
	}

	EmbeddedServerSupervisor(EmbeddedNatsServer server, long nodeId, Duration firstBackoff, Duration maxBackoff) {
		this.server = server;
		this.nodeId = nodeId;
		this.firstBackoff = firstBackoff;
		this.maxBackoff = maxBackoff;
		this.backoff = firstBackoff;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "harmonylite-nats-supervisor-" + nodeId);
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Starts the server and begins watching it; a failure here is not retried, it fails the node's startup.
	 * @throws NatsServerNotFoundException when no {@code nats-server} executable is found
	 * @throws io.harmonylite.HarmonyLiteException when the server does not start
	 */
	public synchronized void start() {
		this.server.start();
		this.state = EmbeddedServerState.RUNNING;
		watch();
	}

	private void watch() {
		long pid = this.server.pid();
		this.watchedPid = pid;
		this.server.onExit().thenAcceptAsync((status) -> exited(pid, status), this.executor);
	}

	private synchronized void exited(long pid, int status) {
		if (pid != this.watchedPid) {
			// A process this supervisor replaced on purpose.
			return;
		}
		if (this.closed || this.server.stoppedByJvmShutdown()) {
			// Stopped on purpose: by the node, or by the JVM shutdown hook before the node closed this supervisor.
			return;
		}
		this.state = EmbeddedServerState.DOWN;
		this.backoff = this.firstBackoff;
		this.failedAttempts = 0;
		logger.error("Node {}: the embedded nats-server (pid {}) exited unexpectedly with status {}; restarting it in "
				+ "{} ms. Until it runs again this node neither sends nor receives changes (local ones are kept). End "
				+ "of its log {}:\n{}", this.nodeId, pid, status, this.backoff.toMillis(), this.server.logFile(),
				this.server.logTail());
		schedule();
	}

	private void schedule() {
		try {
			this.executor.schedule(this::restart, this.backoff.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile: the node is stopping and stops the server itself.
		}
	}

	private synchronized void restart() {
		if (this.closed || this.server.stoppedByJvmShutdown()) {
			return;
		}
		try {
			this.server.start();
		}
		catch (RuntimeException ex) {
			if (this.closed) {
				return;
			}
			this.failedAttempts++;
			this.backoff = min(this.backoff.multipliedBy(2), this.maxBackoff);
			logger.error("Node {}: restarting the embedded nats-server failed (attempt {}); next attempt in {} ms: {}",
					this.nodeId, this.failedAttempts, this.backoff.toMillis(), ex.getMessage());
			schedule();
			return;
		}
		this.restarts.incrementAndGet();
		this.state = EmbeddedServerState.RUNNING;
		logger.warn("Node {}: the embedded nats-server runs again (pid {}, restart #{}, after {} failed attempt(s)); "
				+ "the client reconnects to it by itself", this.nodeId, this.server.pid(), this.restarts.get(),
				this.failedAttempts);
		watch();
	}

	/**
	 * Restarts the running server at once, on purpose: a clustered nats-server that starts just after its peers
	 * elected their JetStream leader can stay outside the JetStream cluster (it never makes contact with the
	 * leader) until it is restarted. Does nothing when the server is not running or the supervisor is closed.
	 * @param reason why, for the log
	 */
	public synchronized void rejoin(String reason) {
		if (this.closed || this.state != EmbeddedServerState.RUNNING) {
			return;
		}
		logger.warn("Node {}: {}; restarting the embedded nats-server so that it joins its cluster's JetStream",
				this.nodeId, reason);
		this.server.stop();
		this.server.start();
		this.restarts.incrementAndGet();
		watch();
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * The server's state.
	 * @return running, down (being restarted) or stopped
	 */
	public EmbeddedServerState state() {
		return this.state;
	}

	/**
	 * How often the server was restarted after dying.
	 * @return the number of successful restarts
	 */
	public long restarts() {
		return this.restarts.get();
	}

	/**
	 * The supervised server.
	 * @return the server
	 */
	public EmbeddedNatsServer server() {
		return this.server;
	}

	/**
	 * Stops supervising, waits for a restart in progress, then stops the server.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(40, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		synchronized (this) {
			this.state = EmbeddedServerState.STOPPED;
			this.server.stop();
		}
	}

}
