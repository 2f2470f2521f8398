package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful restarts ({@link HarmonyLiteEngine#close()} then {@link HarmonyLiteEngine#start()}) of the receiving and
 * the writing node while the application keeps writing: every row arrives exactly once.
 */
class GracefulRestartIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static final String EVENTS = "CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path dir;

	private final List<HarmonyLiteEngine> engines = new ArrayList<>();

	private final ExecutorService writer = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopNodes() throws InterruptedException {
		this.writer.shutdownNow();
		this.writer.awaitTermination(30, TimeUnit.SECONDS);
		this.engines.forEach(HarmonyLiteEngine::close);
	}

	@Test
	void gracefulRestartsUnderContinuousWritesShouldLoseNothingAndApplyNothingTwice() throws Exception {
		TestDatabase origin = database(1);
		TestDatabase receiver = database(2);
		// Rows are only ever inserted on node 1, so on node 2 an UPDATE of 'events' means a change was applied twice
		// (a re-applied insert becomes the upsert's UPDATE).
		receiver.execute("CREATE TRIGGER count_reapplied AFTER UPDATE ON events BEGIN INSERT INTO reapplied VALUES (1); END");
		HarmonyLiteEngine writingNode = engine(1, origin);
		HarmonyLiteEngine receivingNode = engine(2, receiver);
		writingNode.start();
		receivingNode.start();

		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger written = new AtomicInteger();
		Future<?> writes = this.writer.submit(() -> {
			while (writing.get()) {
				int id = written.get() + 1;
				origin.execute("INSERT INTO events VALUES (" + id + ", 'event " + id + "')");
				written.set(id);
			}
		});

		for (int restart = 0; restart < 3; restart++) {
			awaitReceived(receiver, written.get() / 2 + 1);
			receivingNode.close();
			awaitWritten(written, 40);
			receivingNode.start();
		}
		for (int restart = 0; restart < 2; restart++) {
			awaitReceived(receiver, written.get() / 2 + 1);
			writingNode.close();
			awaitWritten(written, 40);
			writingNode = engine(1, origin);
			writingNode.start();
		}
		awaitWritten(written, 40);
		writing.set(false);
		writes.get(30, TimeUnit.SECONDS);

		int total = written.get();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(receiver.count("events")).isEqualTo(total));
		assertThat(receiver.rows("SELECT min(id), max(id), count(DISTINCT id) FROM events"))
			.containsExactly("1|" + total + "|" + total);
		assertThat(receiver.count("reapplied")).as("changes applied twice on node 2").isZero();
		assertThat(writingNode.status().pendingChanges()).isZero();
		assertThat(receivingNode.status().state()).isEqualTo(NodeState.RUNNING);
		assertThat(total).isGreaterThan(5 * 40);
	}

	private static void awaitWritten(AtomicInteger written, int more) {
		int target = written.get() + more;
		await().atMost(TIMEOUT).until(() -> written.get() >= target);
	}

	private static void awaitReceived(TestDatabase receiver, int atLeast) {
		await().atMost(TIMEOUT).until(() -> receiver.count("events") >= atLeast);
	}

	private TestDatabase database(int node) {
		TestDatabase db = new TestDatabase(this.dir.resolve("node-" + node + ".db"));
		db.execute(EVENTS, "CREATE TABLE reapplied (n INTEGER)");
		return db;
	}

	private HarmonyLiteEngine engine(int node, TestDatabase db) {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		String prefix = "graceful-" + ProcessHandle.current().pid();
		ReplicationConfig replication = new ReplicationConfig(1, prefix, prefix + "-subject", 1,
				defaults.maxEntries(), false, false, defaults.publishWindow(), 50);
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(HarmonyLiteConfig.builder()
			.nodeId(node)
			.dbPath(db.path())
			.ignoreTables(List.of("reapplied"))
			.pollingInterval(Duration.ofMillis(20))
			.nats(NatsConfig.external(nats.url()))
			.replication(replication)
			.build()).build();
		this.engines.add(engine);
		return engine;
	}

}
