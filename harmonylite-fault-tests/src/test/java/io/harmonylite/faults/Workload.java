package io.harmonylite.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.awaitility.Awaitility.await;

/**
 * Writers on every node's database file, from this test JVM: an external process to the nodes, as an application
 * sharing the file or the sqlite3 CLI would be. Each write is one transaction that inserts an event row with a key
 * unique to its origin and increments the origin's own counter row; a write counts as committed only once its COMMIT
 * returned. Writers keep going while their node is killed, frozen or cut off: the file and its triggers remain.
 */
final class Workload implements AutoCloseable {

	/**
	 * The tables every node's file starts with: the workload's events and counters (the counters row of each node
	 * exists everywhere from the start), and tables for the other scenarios (a UNIQUE column with a row taken, large
	 * values, a table some nodes do not replicate).
	 */
	static final String SCHEMA = """
			PRAGMA journal_mode=WAL;
			CREATE TABLE events (id INTEGER PRIMARY KEY, origin INTEGER NOT NULL, seq INTEGER NOT NULL,
			    payload TEXT NOT NULL);
			CREATE TABLE counters (node INTEGER PRIMARY KEY, ctr INTEGER NOT NULL);
			CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
			INSERT INTO tags (id, name) VALUES (1, 'taken');
			CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB);
			CREATE TABLE secrets (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
			""";

	private static final Logger logger = LoggerFactory.getLogger(Workload.class);

	private static final long ID_SPACE = 1_000_000_000L;

	private final List<Writer> writers = new ArrayList<>();

	private final ScheduledExecutorService scheduler;

	private boolean closed;

	/**
	 * Starts one writer per database, continuing after the events and increments already in each file.
	 * @param databases the nodes' files, node i + 1 at index i
	 * @param writesPerSecond each writer's rate
	 */
	Workload(List<Path> databases, int writesPerSecond) {
		this.scheduler = Executors.newScheduledThreadPool(databases.size(), (task) -> {
			Thread thread = new Thread(task, "workload");
			thread.setDaemon(true);
			return thread;
		});
		long period = TimeUnit.SECONDS.toMicros(1) / writesPerSecond;
		for (int i = 0; i < databases.size(); i++) {
			Writer writer = new Writer(i + 1, databases.get(i));
			this.writers.add(writer);
			this.scheduler.scheduleAtFixedRate(writer::writeOne, 0, period, TimeUnit.MICROSECONDS);
		}
	}

	/**
	 * The counter rows each file needs before its node starts: one per node, at 0.
	 * @param nodes the number of nodes
	 * @return the INSERT statement
	 */
	static String counterRows(int nodes) {
		StringBuilder sql = new StringBuilder("INSERT INTO counters (node, ctr) VALUES ");
		for (int node = 1; node <= nodes; node++) {
			sql.append((node > 1) ? ", " : "").append('(').append(node).append(", 0)");
		}
		return sql.append(';').toString();
	}

	/**
	 * Stops every writer after its write in progress.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.scheduler.shutdown();
		try {
			this.scheduler.awaitTermination(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.writers.forEach(Writer::close);
		for (Writer writer : this.writers) {
			logger.info("Writer of node {}: {} committed, {} failed", writer.node, writer.committed.size(),
					writer.failures.get());
		}
	}

	/**
	 * The event ids whose transaction committed, of every writer (this workload's only).
	 * @return the ids
	 */
	Set<Long> committedEvents() {
		Set<Long> all = ConcurrentHashMap.newKeySet();
		this.writers.forEach((writer) -> all.addAll(writer.committed));
		return all;
	}

	/**
	 * How many increments of a node's counter committed on that node.
	 * @param node the node, from 1
	 * @return the committed increments
	 */
	long committedIncrements(int node) {
		Writer writer = this.writers.get(node - 1);
		return writer.initialCounter + writer.committed.size();
	}

	/**
	 * Waits until the writers together committed some more writes: the way the scenarios let a fault last, measured
	 * in writes made meanwhile rather than in sleeps.
	 * @param more how many more writes
	 */
	void awaitMore(long more) {
		long target = committedCount() + more;
		await().atMost(Duration.ofSeconds(120)).until(() -> committedCount() >= target);
	}

	/**
	 * How many writes committed so far, all writers together.
	 * @return the count
	 */
	long committedCount() {
		return this.writers.stream().mapToLong((writer) -> writer.committed.size()).sum();
	}

	private static final class Writer {

		private final int node;

		private final Path database;

		private final Set<Long> committed = ConcurrentHashMap.newKeySet();

		private final AtomicLong failures = new AtomicLong();

		private Connection connection;

		private final long initialCounter;

		private long sequence;

		Writer(int node, Path database) {
			this.node = node;
			this.database = database;
			// Earlier workloads on the same cluster: go on after their events, on top of their increments.
			this.initialCounter = Databases.counters(database).getOrDefault((long) node, 0L);
			this.sequence = Databases.lastSequence(database, node);
		}

		void writeOne() {
			long seq = this.sequence + 1;
			long id = this.node * ID_SPACE + seq;
			try {
				Connection db = connection();
				try (PreparedStatement insert = db.prepareStatement(
						"INSERT INTO events (id, origin, seq, payload) VALUES (?, ?, ?, ?)");
						PreparedStatement increment = db.prepareStatement(
								"UPDATE counters SET ctr = ctr + 1 WHERE node = ?")) {
					insert.setLong(1, id);
					insert.setLong(2, this.node);
					insert.setLong(3, seq);
					insert.setString(4, "event " + seq + " of node " + this.node);
					insert.executeUpdate();
					increment.setLong(1, this.node);
					if (increment.executeUpdate() != 1) {
						throw new SQLException("counter row of node " + this.node + " is missing");
					}
					db.commit();
				}
				this.sequence = seq;
				this.committed.add(id);
			}
			catch (SQLException ex) {
				this.failures.incrementAndGet();
				rollback();
				logger.debug("Write {} on node {} failed: {}", seq, this.node, ex.getMessage());
			}
		}

		private Connection connection() throws SQLException {
			if (this.connection == null) {
				Connection opened = DriverManager
					.getConnection("jdbc:sqlite:" + this.database + "?busy_timeout=10000");
				opened.setAutoCommit(false);
				this.connection = opened;
			}
			return this.connection;
		}

		private void rollback() {
			try {
				if (this.connection != null) {
					this.connection.rollback();
				}
			}
			catch (SQLException ex) {
				close();
			}
		}

		void close() {
			try {
				if (this.connection != null) {
					this.connection.close();
				}
			}
			catch (SQLException ex) {
				logger.debug("Closing the writer of node {} failed: {}", this.node, ex.getMessage());
			}
			this.connection = null;
		}

	}

}
