package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.EmbeddedClusterLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes, each in its own JVM with its own embedded nats-server, all killed with SIGKILL at the same instant while
 * every node is written to, then all restarted: every change a writer saw committed, and in particular every change
 * JetStream acknowledged (its change-log row marked published), is on every node, and none was applied twice (a
 * counter incremented only on its origin ends at the number of increments on every node).
 * <p>
 * A kill keeps the operating system's page cache: this proves the restart path and the SQLite side, not that
 * {@code fsync} happened (that is what {@code sync_interval: always} and {@code synchronous=FULL} are for).
 */
class CrashRecoveryIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMinutes(3);

	private static final int NODES = 3;

	@TempDir
	Path dir;

	private EmbeddedClusterLayout layout;

	private final List<Process> processes = new ArrayList<>();

	private final List<Writer> writers = new ArrayList<>();

	private final ScheduledExecutorService writing = Executors.newScheduledThreadPool(NODES);

	@AfterEach
	void stopEverything() {
		this.writing.shutdownNow();
		this.writers.forEach(Writer::close);
		// The nodes' nats-servers too, and every one awaited: a server still writing into the temporary directory
		// (its watchdog had not noticed its node's death yet) made the directory's clean-up fail on a loaded machine.
		List<ProcessHandle> all = new ArrayList<>();
		for (Process process : this.processes) {
			process.descendants().forEach(all::add);
			all.add(process.toHandle());
		}
		all.forEach(ProcessHandle::destroyForcibly);
		all.forEach((process) -> process.onExit().completeOnTimeout(process, 30, TimeUnit.SECONDS).join());
	}

	@Test
	void killingEveryServerAndNodeAtOnceDuringWritesShouldLoseNoAcknowledgedChangeAndApplyNoneTwice()
			throws Exception {
		this.layout = EmbeddedClusterLayout.of(NODES, this.dir);
		List<TestDatabase> dbs = new ArrayList<>();
		for (int node = 1; node <= NODES; node++) {
			TestDatabase db = new TestDatabase(this.dir.resolve("node-" + node + ".db"));
			db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, origin INTEGER NOT NULL, body TEXT)",
					"CREATE TABLE counters (node INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
					"INSERT INTO counters VALUES (1, 0), (2, 0), (3, 0)");
			dbs.add(db);
		}
		startNodes(0);
		for (int node = 1; node <= NODES; node++) {
			Writer writer = new Writer(node, dbs.get(node - 1).path());
			this.writers.add(writer);
			this.writing.scheduleAtFixedRate(writer, 0, 10, TimeUnit.MILLISECONDS);
		}
		// Replication flows everywhere under writes on every node before the crash, and every node has marked changes
		// acknowledged (published), which must survive it.
		await().atMost(TIMEOUT).untilAsserted(() -> {
			for (TestDatabase db : dbs) {
				assertThat(db.rows("SELECT count(*) FROM events GROUP BY origin HAVING count(*) >= 30")).hasSize(NODES);
				assertThat(acknowledgedEventIds(db)).isNotEmpty();
			}
		});

		killEverythingAtOnce();
		this.writing.shutdown();
		assertThat(this.writing.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		List<Set<Long>> acknowledged = new ArrayList<>();
		for (TestDatabase db : dbs) {
			acknowledged.add(acknowledgedEventIds(db));
		}
		assertThat(acknowledged).allSatisfy((ids) -> assertThat(ids).isNotEmpty());
		Set<Long> committed = this.writers.stream()
			.flatMap((writer) -> writer.committed.stream())
			.collect(Collectors.toSet());

		startNodes(1);
		for (TestDatabase db : dbs) {
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(eventIds(db)).as("events on %s", db.path().getFileName()).isEqualTo(committed);
				for (Writer writer : this.writers) {
					assertThat(db.rows("SELECT n FROM counters WHERE node = " + writer.node))
						.as("counter of node %d on %s", writer.node, db.path().getFileName())
						.containsExactly(Long.toString(writer.increments.get()));
				}
			});
			for (Set<Long> ids : acknowledged) {
				assertThat(eventIds(db)).containsAll(ids);
			}
		}
	}

	private void startNodes(int round) throws IOException {
		List<Path> logs = new ArrayList<>();
		for (int node = 1; node <= NODES; node++) {
			Path log = this.dir.resolve("node-" + node + "-run-" + round + ".log");
			logs.add(log);
			this.processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-cp", System.getProperty("java.class.path"), EmbeddedNodeMain.class.getName(),
					Integer.toString(node), this.dir.resolve("node-" + node + ".db").toString(),
					this.dir.resolve("nats-" + node).toString(),
					Integer.toString(this.layout.clientPorts().get(node - 1)), this.layout.clusterAddr(node),
					String.join(",", this.layout.peersOf(node)), "")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start());
		}
		for (Path log : logs) {
			await().atMost(TIMEOUT).until(() -> Files.readString(log).contains("NODE STARTED"));
		}
	}

	/** SIGKILL to every nats-server and every node JVM in one command, servers first. */
	private void killEverythingAtOnce() throws Exception {
		List<String> command = new ArrayList<>(List.of("kill", "-KILL"));
		List<ProcessHandle> victims = new ArrayList<>();
		for (int node = 1; node <= NODES; node++) {
			long pid = Long.parseLong(Files.readString(this.layout.pidFile(node)).trim());
			command.add(Long.toString(pid));
			victims.add(ProcessHandle.of(pid).orElseThrow());
		}
		for (Process process : this.processes) {
			command.add(Long.toString(process.pid()));
			victims.add(process.toHandle());
		}
		assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
		await().atMost(TIMEOUT).until(() -> victims.stream().noneMatch(ProcessHandle::isAlive));
		this.processes.clear();
	}

	/** The events whose change-log row the node marked published, i.e. that JetStream acknowledged. */
	private static Set<Long> acknowledgedEventIds(TestDatabase db) {
		List<String> rows = db.rows("""
				SELECT CASE (SELECT key FROM json_each(l.columns) WHERE value = 'id')
				         WHEN 0 THEN c.c0 WHEN 1 THEN c.c1 WHEN 2 THEN c.c2 END
				FROM __harmonylite__change_log c JOIN __harmonylite__capture_layout l ON l.id = c.layout
				WHERE c.tbl = 'events' AND c.state = 1""");
		return rows.stream().map(Long::valueOf).collect(Collectors.toSet());
	}

	private static Set<Long> eventIds(TestDatabase db) {
		return db.rows("SELECT id FROM events").stream().map(Long::valueOf).collect(Collectors.toCollection(HashSet::new));
	}

	/**
	 * Writes on one node: each transaction inserts an event and increments the node's own counter. The writer counts
	 * itself: a node that briefly shows an older value of its own row (while applying its own earlier changes from the
	 * stream) must not make it lose an increment.
	 */
	private static final class Writer implements Runnable {

		private final int node;

		private final Connection connection;

		private final Set<Long> committed = ConcurrentHashMap.newKeySet();

		private final AtomicLong increments = new AtomicLong();

		private long next;

		Writer(int node, Path db) throws SQLException {
			this.node = node;
			this.connection = SqliteConnections.open(db);
			this.connection.setAutoCommit(false);
			this.next = node * 1_000_000L;
		}

		@Override
		public void run() {
			long id = ++this.next;
			try (PreparedStatement insert = this.connection.prepareStatement("INSERT INTO events VALUES (?, ?, 'x')");
					PreparedStatement increment = this.connection
						.prepareStatement("UPDATE counters SET n = ? WHERE node = ?")) {
				insert.setLong(1, id);
				insert.setInt(2, this.node);
				insert.executeUpdate();
				increment.setLong(1, this.increments.get() + 1);
				increment.setInt(2, this.node);
				increment.executeUpdate();
				this.connection.commit();
				this.committed.add(id);
				this.increments.incrementAndGet();
			}
			catch (SQLException ex) {
				// Not committed (e.g. busy): neither counted nor expected anywhere.
				rollback();
			}
		}

		private void rollback() {
			try {
				this.connection.rollback();
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not roll back a write on node " + this.node, ex);
			}
		}

		void close() {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				// The test is over.
			}
		}

	}

}
