package io.harmonylite.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Operation;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.ChildProcesses;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.OrderedConsumerConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes on a three-server NATS cluster (routes), each with its own SQLite file.
 */
class ReplicationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String BOOKS = "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
			+ "author TEXT NOT NULL, publication_year INTEGER)";

	private static final String SHELF = "CREATE TABLE shelf (room TEXT NOT NULL, slot INTEGER NOT NULL, label TEXT, "
			+ "PRIMARY KEY (room, slot)) WITHOUT ROWID";

	private static final String COVERS = "CREATE TABLE covers (isbn TEXT PRIMARY KEY, image BLOB)";

	@RegisterExtension
	static final NatsServerExtension servers = NatsServerExtension.withCluster(3);

	@RegisterExtension
	final TestNodes nodes = new TestNodes(servers, "t");

	@RegisterExtension
	final ChildProcesses processes = new ChildProcesses();

	private int nodeProcesses;

	@Test
	void insertUpdateAndDeleteShouldReplicateToEveryOtherNode() {
		List<TestDatabase> dbs = this.nodes.databases(3, BOOKS, SHELF, COVERS);
		for (int i = 0; i < 3; i++) {
			startNode(i + 1, dbs.get(i), UnaryOperator.identity());
		}
		TestDatabase first = dbs.get(0);
		List<String> inserts = new ArrayList<>();
		for (int id = 1; id <= 1000; id++) {
			inserts.add("INSERT INTO Books VALUES (" + id + ", 'Title " + id + "', 'Author', " + (1900 + id % 100) + ")");
		}
		first.execute(inserts.toArray(String[]::new));
		first.execute("INSERT INTO shelf VALUES ('hall', 1, 'A'), ('hall', 2, 'B'), ('attic', 1, 'C')");
		byte[] image = new byte[700 * 1024 + 3];
		new Random(3).nextBytes(image);
		image[0] = 0;
		first.update("INSERT INTO covers VALUES (?, ?)", "978-0441013593", image);
		first.execute("UPDATE Books SET title = 'Dune' WHERE id = 7", "DELETE FROM Books WHERE id = 8",
				"UPDATE shelf SET label = 'moved' WHERE room = 'hall' AND slot = 2", "DELETE FROM shelf WHERE room = 'attic'");
		for (TestDatabase other : dbs.subList(1, 3)) {
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(other.rows("SELECT * FROM Books ORDER BY id")).isEqualTo(first.rows("SELECT * FROM Books ORDER BY id"));
				assertThat(other.rows("SELECT * FROM shelf ORDER BY room, slot")).containsExactly("hall|1|A", "hall|2|moved");
				assertThat(other.rows("SELECT * FROM covers")).isEqualTo(first.rows("SELECT * FROM covers"));
			});
			assertThat(other.count("Books")).isEqualTo(999);
			assertThat(other.rows("SELECT title FROM Books WHERE id = 7")).containsExactly("Dune");
			assertThat(other.rows("SELECT typeof(image), length(image) FROM covers")).containsExactly("blob|" + image.length);
		}
	}

	@Test
	void rowLargerThanMaxPayloadShouldReplicateInChunksBesideOtherRows() {
		List<TestDatabase> dbs = this.nodes.databases(2, COVERS);
		startNode(1, dbs.get(0), UnaryOperator.identity());
		startNode(2, dbs.get(1), UnaryOperator.identity());
		byte[] huge = new byte[2 * 1024 * 1024];
		new Random(5).nextBytes(huge);
		dbs.get(0).update("INSERT INTO covers VALUES (?, ?)", "too-big", huge);
		dbs.get(0).update("INSERT INTO covers VALUES (?, ?)", "small", new byte[] { 0, 1, 0 });
		// Length and samples from the start, middle and end: LargeChangeIntegrationTests compares whole values.
		String sample = "SELECT isbn, length(image), hex(substr(image, 1, 16)), hex(substr(image, 1000000, 16)), "
				+ "hex(substr(image, -16)) FROM covers ORDER BY isbn";
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(dbs.get(1).rows(sample)).hasSize(2).isEqualTo(dbs.get(0).rows(sample)));
		assertThat(dbs.get(0).rows("SELECT tbl, state FROM __harmonylite__change_log ORDER BY id"))
			.as("both published, none failed").doesNotContain("covers|2");
		// Acknowledged changes are marked published within 50 ms (the marks are coalesced), maybe after node 2 applied.
		await().atMost(TIMEOUT).until(() -> this.nodes.engines().get(0).status().pendingChanges() == 0);
	}

	@Test
	void streamThatDroppedUnappliedMessagesShouldBeReportedAsGapNotSkipped() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		UnaryOperator<HarmonyLiteConfig.Builder> shortStream = (b) -> b.replication(limited(5));
		startNode(1, dbs.get(0), shortStream);
		HarmonyLiteEngine second = startNode(2, dbs.get(1), shortStream);
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'seen by both', 'x', 1)");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 1);
		second.close();
		for (int id = 2; id <= 12; id++) {
			// One message per row: wait for each to be published before the next write.
			dbs.get(0).execute("INSERT INTO Books VALUES (" + id + ", 't', 'x', 1)");
			await().atMost(TIMEOUT).until(() -> this.nodes.engines().get(0).status().pendingChanges() == 0);
		}
		HarmonyLiteEngine restarted = startNode(2, dbs.get(1), shortStream);
		EngineStatus status = restarted.status();
		assertThat(status.state()).isEqualTo(NodeState.STREAM_GAP);
		assertThat(status.shards().get(0).gap()).contains("no longer holds sequences 2 to");
		assertNothingAppliedBehindTheGap(dbs, 1);
	}

	@Test
	void nodeWithAGapShouldResumeFromACopyOfAHealthyNodeMadeAsTheOperationsGuideSays() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		UnaryOperator<HarmonyLiteConfig.Builder> shortStream = (b) -> b.replication(limited(5));
		startNode(1, dbs.get(0), shortStream);
		HarmonyLiteEngine second = startNode(2, dbs.get(1), shortStream);
		writeOneMessagePerRow(dbs.get(0), 1, 1);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 1);
		second.close();
		writeOneMessagePerRow(dbs.get(0), 2, 12);
		HarmonyLiteEngine atTheGap = startNode(2, dbs.get(1), shortStream);
		assertThat(atTheGap.status().state()).isEqualTo(NodeState.STREAM_GAP);
		atTheGap.close();
		// The healthy node has seen its own changes come back (a copy taken before that would be at the gap too).
		HarmonyLiteEngine healthy = running(dbs.get(0));
		await().atMost(TIMEOUT).until(() -> healthy.status().shards().get(0).appliedSequence() == 12);
		// docs/operations.md, "Copying a healthy node's data by hand": a live backup, its change log emptied.
		TestDatabase copy = new TestDatabase(this.nodes.dir().resolve("node-2-restored.db"));
		sqlite3(dbs.get(0).path(), ".backup '" + copy.path() + "'");
		sqlite3(copy.path(), "DELETE FROM __harmonylite__change_log");
		HarmonyLiteEngine restored = startNode(2, copy, shortStream);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			EngineStatus status = restored.status();
			assertThat(status.state()).as("%s", status).isEqualTo(NodeState.RUNNING);
		});
		assertThat(copy.count("Books")).isEqualTo(12);
		dbs.get(0).execute("INSERT INTO Books VALUES (13, 'after the restore', 'x', 1)");
		copy.execute("INSERT INTO Books VALUES (14, 'written on the restored node', 'x', 1)");
		await().atMost(TIMEOUT).until(() -> copy.count("Books") == 14 && dbs.get(0).count("Books") == 14);
		try (Connection nats = Nats.connect(servers.urls().get(0))) {
			assertThat(nats.jetStreamManagement().getStreamInfo(shardStream()).getStreamState()
				.getLastSequence()).as("the restored node sent only its own new row, not the copied ones").isEqualTo(14);
		}
	}

	private static void sqlite3(Path database, String command) throws Exception {
		Process process = new ProcessBuilder("sqlite3", database.toString(), command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as("sqlite3 %s: %s", command, output).isZero();
	}

	@Test
	void olderCopyPutInPlaceOfARunningNodesFileShouldStopApplyingAndHealAtTheRestart() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		HarmonyLiteEngine second = olderCopyPutInPlaceOfTheSecondNodesFile(dbs);
		writeOneMessagePerRow(dbs.get(0), 6, 6);
		// Written on the copy: its change log hands out the ids of the node's changes the copy lost.
		dbs.get(1).execute("INSERT INTO Books VALUES (104, 't', 'x', 1)");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(second.status().problems()).anySatisfy((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DATABASE_REPLACED);
			assertThat(problem.reason()).contains("went back", "Restart the node");
		}));
		assertThat(dbs.get(1).count("Books")).as("nothing applied past the rows the copy lacks").isEqualTo(3);

		// The restart applies what the copy lacks, the node's own lost changes included, and sends the new one.
		second.close();
		startNode(2, dbs.get(1), UnaryOperator.identity());
		List<String> all = List.of("1", "101", "102", "103", "104", "2", "3", "4", "5", "6");
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(1).rows("SELECT id FROM Books ORDER BY CAST(id AS TEXT)")).isEqualTo(all);
			assertThat(dbs.get(0).rows("SELECT id FROM Books ORDER BY CAST(id AS TEXT)")).isEqualTo(all);
		});
	}

	/**
	 * Starts two nodes, backs node 2's file up, replicates more rows both ways, then copies the backup over node 2's
	 * file with {@code cp} while it runs: the same file, older contents.
	 * @return node 2, running
	 */
	private HarmonyLiteEngine olderCopyPutInPlaceOfTheSecondNodesFile(List<TestDatabase> dbs) throws Exception {
		startNode(1, dbs.get(0), UnaryOperator.identity());
		HarmonyLiteEngine second = startNode(2, dbs.get(1), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, 2);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 2);
		Path backup = dbs.get(1).path().resolveSibling("backup.db");
		sqlite3(dbs.get(1).path(), ".backup " + backup);
		writeOneMessagePerRow(dbs.get(0), 3, 5);
		writeOneMessagePerRow(dbs.get(1), 101, 103);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 8 && dbs.get(0).count("Books") == 8);
		sqlite3(dbs.get(1).path(), "PRAGMA wal_checkpoint(TRUNCATE)");
		Process copy = new ProcessBuilder("cp", backup.toString(), dbs.get(1).path().toString()).start();
		assertThat(copy.waitFor()).isZero();
		return second;
	}

	@Test
	void messageDeletedFromTheMiddleOfTheStreamShouldBeReportedAsGapNotRetriedForever() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		startNode(1, dbs.get(0), UnaryOperator.identity());
		HarmonyLiteEngine second = startNode(2, dbs.get(1), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, 1);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 1);
		second.close();
		writeOneMessagePerRow(dbs.get(0), 2, 3);
		String stream = shardStream();
		try (Connection nats = Nats.connect(servers.urls().get(0))) {
			assertThat(nats.jetStreamManagement().deleteMessage(stream, 2)).isTrue();
		}
		HarmonyLiteEngine restarted = startNode(2, dbs.get(1), UnaryOperator.identity());
		EngineStatus status = restarted.status();
		assertThat(status.state()).isEqualTo(NodeState.STREAM_GAP);
		assertThat(status.shards().get(0).gap()).contains("no longer holds sequence 2", "deleted");
		assertNothingAppliedBehindTheGap(dbs, 1);
	}

	@Test
	void streamDeletedAndRecreatedShouldBeReportedAsGapNotReadFromTheOldPosition() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		EngineStatus status = restartAfterTheStreamWasRecreated(dbs, 2);
		assertThat(status.state()).isEqualTo(NodeState.STREAM_GAP);
		assertThat(status.shards().get(0).gap()).contains("ends at sequence 2", "re-created");
		assertNothingAppliedBehindTheGap(dbs, 3);
	}

	@Test
	void recreatedStreamThatGrewPastTheOldPositionShouldStillBeReportedAsGap() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		EngineStatus status = restartAfterTheStreamWasRecreated(dbs, 5);
		assertThat(status.state()).isEqualTo(NodeState.STREAM_GAP);
		assertThat(status.shards().get(0).gap()).contains("deleted and re-created since this node applied sequence 3");
		assertNothingAppliedBehindTheGap(dbs, 3);
	}

	@Test
	void streamDeletedUnderRunningNodesShouldBeReportedMissingWithTheWayOut() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), UnaryOperator.identity());
		HarmonyLiteEngine second = startNode(2, dbs.get(1), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, 3);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 3);

		// As when the servers lost their JetStream store: JetStream answers, but knows no such stream.
		try (Connection nats = Nats.connect(servers.urls().get(0))) {
			nats.jetStreamManagement().deleteStream(shardStream());
		}

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(first.status().problems()).anySatisfy((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.STREAM_MISSING);
			assertThat(problem.subject()).isEqualTo("stream " + shardStream());
			assertThat(problem.reason()).contains("Restart the nodes");
		}));
		assertThat(first.status().problems()).as("not a network problem")
			.noneMatch((problem) -> problem.kind() == EngineStatus.ProblemKind.NATS_UNREACHABLE);

		// Node 1 restarts, which creates the stream again, and writes: node 2, still running, sees the new stream
		// does not continue the one it applied from, instead of taking it for its own and missing the new rows.
		first.close();
		startNode(1, dbs.get(0), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 4, 8);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(second.status().state()).isEqualTo(NodeState.STREAM_GAP));
	}

	/**
	 * Node 2 applies three rows; with both nodes stopped the stream is deleted; node 1 comes back (creating the stream
	 * anew) and writes {@code newRows} more; then node 2 restarts.
	 */
	private EngineStatus restartAfterTheStreamWasRecreated(List<TestDatabase> dbs, int newRows) throws Exception {
		HarmonyLiteEngine first = startNode(1, dbs.get(0), UnaryOperator.identity());
		HarmonyLiteEngine second = startNode(2, dbs.get(1), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, 3);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 3);
		second.close();
		first.close();
		try (Connection nats = Nats.connect(servers.urls().get(0))) {
			nats.jetStreamManagement().deleteStream(shardStream());
		}
		startNode(1, dbs.get(0), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 4, 3 + newRows);
		return startNode(2, dbs.get(1), UnaryOperator.identity()).status();
	}

	/**
	 * Asserts that node 2, stopped at a gap, applies nothing: node 1 sends one more row, a consumer started after node
	 * 2 receives the whole stream (the event that shows the stream delivers), and node 2 still has its rows and its gap.
	 */
	private void assertNothingAppliedBehindTheGap(List<TestDatabase> dbs, long rows) throws Exception {
		HarmonyLiteEngine second = running(dbs.get(1));
		writeOneMessagePerRow(dbs.get(0), 1000, 1000);
		String stream = shardStream();
		try (Connection nats = Nats.connect(servers.urls().get(0))) {
			long last = nats.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
			OrderedConsumerContext reader = nats.jetStream()
				.getStreamContext(stream)
				.createOrderedConsumer(new OrderedConsumerConfiguration());
			long delivered = 0;
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (delivered < last) {
				// next() may return nothing early while the ordered consumer is re-created; only the deadline fails.
				Message message = reader.next(Duration.ofSeconds(1));
				if (message != null) {
					delivered = message.metaData().streamSequence();
				}
				assertThat(System.nanoTime()).as("message after %s of %s within %s", delivered, stream, TIMEOUT)
					.isLessThan(deadline);
			}
		}
		assertThat(dbs.get(1).count("Books")).isEqualTo(rows);
		assertThat(second.status().state()).isEqualTo(NodeState.STREAM_GAP);
	}

	private HarmonyLiteEngine running(TestDatabase db) {
		return this.nodes.engines().stream()
			.filter((candidate) -> candidate.config().dbPath().equals(db.path()) && candidate.isRunning())
			.reduce((a, b) -> b)
			.orElseThrow();
	}

	/** Inserts rows {@code from..to} on a node, each published before the next is written, so one message each. */
	private void writeOneMessagePerRow(TestDatabase db, int from, int to) {
		HarmonyLiteEngine engine = running(db);
		for (int id = from; id <= to; id++) {
			db.execute("INSERT INTO Books VALUES (" + id + ", 't', 'x', 1)");
			await().atMost(TIMEOUT).until(() -> engine.status().pendingChanges() == 0);
		}
	}

	@Test
	void compressedEventsShouldReplicateAndPublishedRowsBeCleanedUp() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		UnaryOperator<HarmonyLiteConfig.Builder> compressed = (b) -> b.replication(compressed())
			.cleanupInterval(Duration.ofMillis(200));
		startNode(1, dbs.get(0), compressed);
		startNode(2, dbs.get(1), compressed);
		dbs.get(0).execute("INSERT INTO Books VALUES (1, '" + "long title ".repeat(500) + "', 'x', 1)",
				"INSERT INTO Books VALUES (2, 'short', 'y', 2)", "UPDATE Books SET author = 'z' WHERE id = 2");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(1).rows("SELECT * FROM Books ORDER BY id"))
			.isEqualTo(dbs.get(0).rows("SELECT * FROM Books ORDER BY id")));
		try (Connection nats = Nats.connect(servers.urls().get(0))) {
			byte[] first = nats.jetStreamManagement().getMessage(shardStream(), 1).getData();
			assertThat(first[3] & 1).as("zstd flag of the message's header").isEqualTo(1);
		}
		// Published rows are deleted by the periodic cleanup; the newest row stays so ids are never reused.
		await().atMost(TIMEOUT).until(() -> dbs.get(0).count("__harmonylite__change_log") == 1);
	}

	@Test
	void writesMadeWithTheSqlite3CliShouldReplicate() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(3, BOOKS);
		for (int i = 0; i < 3; i++) {
			startNode(i + 1, dbs.get(i), UnaryOperator.identity());
		}
		Process cli = new ProcessBuilder("sqlite3", dbs.get(2).path().toString(),
				"PRAGMA busy_timeout=10000; INSERT INTO Books VALUES (1, 'From the CLI', 'sqlite3', 2024);"
						+ " UPDATE Books SET publication_year = 2025 WHERE id = 1;")
			.redirectErrorStream(true)
			.start();
		assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(cli.exitValue()).as(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
		for (TestDatabase other : dbs.subList(0, 2)) {
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(other.rows("SELECT * FROM Books"))
				.containsExactly("1|From the CLI|sqlite3|2025"));
		}
	}

	@Test
	void concurrentConflictingUpdatesShouldEndIdenticalEverywhere() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(3, BOOKS);
		List<String> seed = new ArrayList<>();
		for (int id = 1; id <= 50; id++) {
			seed.add("INSERT INTO Books VALUES (" + id + ", 'seed', 'seed', 2000)");
		}
		dbs.forEach((db) -> db.execute(seed.toArray(String[]::new)));
		for (int i = 0; i < 3; i++) {
			startNode(i + 1, dbs.get(i), (b) -> b.replication(this.nodes.replication(2)));
		}
		ExecutorService writers = Executors.newFixedThreadPool(3);
		List<Future<?>> done = new ArrayList<>();
		for (int n = 0; n < 3; n++) {
			TestDatabase db = dbs.get(n);
			int node = n + 1;
			done.add(writers.submit(() -> {
				for (int round = 0; round < 20; round++) {
					db.execute("UPDATE Books SET title = 'node " + node + " round " + round + "', publication_year = "
							+ (node * 1000 + round));
				}
			}));
		}
		for (Future<?> each : done) {
			each.get(60, TimeUnit.SECONDS);
		}
		writers.shutdown();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			List<String> reference = dbs.get(0).rows("SELECT * FROM Books ORDER BY id");
			assertThat(dbs.get(1).rows("SELECT * FROM Books ORDER BY id")).isEqualTo(reference);
			assertThat(dbs.get(2).rows("SELECT * FROM Books ORDER BY id")).isEqualTo(reference);
			assertThat(reference).hasSize(50).noneMatch((row) -> row.split("\\|")[1].equals("seed"));
		});
	}

	@Test
	void publishFalseAndReplicateFalseShouldBehaveAsNamed() {
		List<TestDatabase> dbs = this.nodes.databases(3, BOOKS);
		startNode(1, dbs.get(0), (b) -> b.publish(false));
		startNode(2, dbs.get(1), (b) -> b.replicate(false));
		startNode(3, dbs.get(2), UnaryOperator.identity());
		dbs.get(1).execute("INSERT INTO Books VALUES (2, 'from node 2', 'x', 1)");
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'from node 1', 'x', 1)");
		dbs.get(2).execute("INSERT INTO Books VALUES (3, 'from node 3', 'x', 1)");
		// Node 1 receives (replicate on) but does not send; node 2 sends but does not receive.
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(0).rows("SELECT id FROM Books ORDER BY id")).containsExactly("1", "2", "3");
			assertThat(dbs.get(2).rows("SELECT id FROM Books ORDER BY id")).containsExactly("2", "3");
		});
		assertThat(dbs.get(1).rows("SELECT id FROM Books ORDER BY id")).containsExactly("2");
		assertThat(this.nodes.engines().get(0).status().pendingChanges()).isEqualTo(1);
	}

	@Test
	void garbageAndUnknownTableMessagesShouldBeDeadLetteredAndLaterChangesApplied() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		startNode(1, dbs.get(0), UnaryOperator.identity());
		startNode(2, dbs.get(1), UnaryOperator.identity());
		ReplicationConfig replication = this.nodes.engines().get(0).config().replication();
		try (Connection nats = Nats.connect(servers.urls().get(0))) {
			nats.jetStream().publish(replication.subject(0), "not an event".getBytes(StandardCharsets.UTF_8));
			ChangeEvent ghost = new ChangeEvent(9, 1, "no_such_table", Operation.INSERT, Map.of("id", 1L),
					List.of("id"), System.currentTimeMillis(), "");
			nats.jetStream().publish(replication.subject(0),
					new ChangeEventCodec(false, ChangeEventCodec.FORMAT_UNVERSIONED).encode(ghost));
			dbs.get(0).execute("INSERT INTO Books VALUES (1, 'after the garbage', 'x', 1)");
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(1).rows("SELECT title FROM Books"))
				.containsExactly("after the garbage"));
			Map<String, String> reasons = this.nodes.deadLetterReasons(nats, 4);
			// Each of the two nodes rejects both bad messages (sequences 1 and 2).
			assertThat(reasons).containsOnlyKeys("1/1", "1/2", "2/1", "2/2");
			assertThat(reasons.get("1/1")).contains("undecodable");
			assertThat(reasons.get("2/2")).contains("no_such_table");
			for (HarmonyLiteEngine engine : this.nodes.engines()) {
				assertThat(engine.status().shards().get(0).deadLettered()).isEqualTo(2);
			}
		}
	}

	@Test
	void nodeKilledHardShouldCatchUpWithNoRowLostAndNoneAppliedTwice() throws Exception {
		String events = "CREATE TABLE events (id INTEGER PRIMARY KEY, origin INTEGER, body TEXT)";
		// A user trigger on node 2 counts updates of 'events'; rows are only ever inserted, so an update means a
		// change was applied twice (a re-applied insert becomes the upsert's UPDATE).
		List<TestDatabase> dbs = this.nodes.databases(3, events, "CREATE TABLE reapplied (n INTEGER)");
		dbs.get(1).execute("CREATE TRIGGER count_reapplied AFTER UPDATE ON events BEGIN INSERT INTO reapplied VALUES (1); END");
		startNode(1, dbs.get(0), (b) -> b.ignoreTables(List.of("reapplied")));
		startNode(3, dbs.get(2), (b) -> b.ignoreTables(List.of("reapplied")));
		Process node2 = startNodeProcess(2, dbs.get(1), "reapplied");
		AtomicInteger nextId = new AtomicInteger(1);
		Runnable writeSome = () -> {
			for (int i = 0; i < 50; i++) {
				int id = nextId.getAndIncrement();
				dbs.get(id % 2 == 0 ? 0 : 2).execute("INSERT INTO events VALUES (" + id + ", " + (id % 2 == 0 ? 1 : 3)
						+ ", 'body " + id + "')");
			}
		};
		writeSome.run();
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("events") > 10);
		node2.destroyForcibly().waitFor();
		writeSome.run();
		writeSome.run();
		Process restarted = startNodeProcess(2, dbs.get(1), "reapplied");
		writeSome.run();
		int total = nextId.get() - 1;
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(1).count("events")).isEqualTo(total);
			assertThat(dbs.get(0).count("events")).isEqualTo(total);
			assertThat(dbs.get(2).count("events")).isEqualTo(total);
		});
		assertThat(dbs.get(1).count("reapplied")).isZero();
		assertThat(restarted.isAlive()).isTrue();
	}

	@Test
	void natsServerRestartShouldBeSurvived() {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		startNode(1, dbs.get(0), (b) -> b.nats(NatsConfig.external(servers.urls().get(0))));
		startNode(2, dbs.get(1), (b) -> b.nats(NatsConfig.external(servers.urls().get(1))));
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'before', 'x', 1)");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 1);
		servers.cluster().server(0).restart();
		dbs.get(0).execute("INSERT INTO Books VALUES (2, 'after restart', 'x', 1)");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(1).rows("SELECT id FROM Books ORDER BY id"))
			.containsExactly("1", "2"));
	}

	private ReplicationConfig limited(long maxEntries) {
		ReplicationConfig r = this.nodes.replication();
		return new ReplicationConfig(r.shards(), r.streamPrefix(), r.subjectPrefix(), r.replicas(), maxEntries,
				r.updateExisting(), r.compress(), r.publishWindow(), r.applyBatchSize());
	}

	private ReplicationConfig compressed() {
		ReplicationConfig r = this.nodes.replication();
		return new ReplicationConfig(r.shards(), r.streamPrefix(), r.subjectPrefix(), r.replicas(), r.maxEntries(),
				r.updateExisting(), true, r.publishWindow(), r.applyBatchSize());
	}

	private String shardStream() {
		return this.nodes.replication().streamName(0);
	}

	private HarmonyLiteEngine startNode(int nodeId, TestDatabase db, UnaryOperator<HarmonyLiteConfig.Builder> customizer) {
		// Gaps wait for an operator here; SnapshotIntegrationTests shows them healed by snapshots.
		return this.nodes.start(nodeId, db, customizer);
	}

	private Process startNodeProcess(int nodeId, TestDatabase db, String ignoreTables) throws IOException {
		Path log = this.nodes.dir().resolve("node-" + nodeId + "-" + this.nodeProcesses++ + ".log");
		Process process = this.processes.start(ChildProcesses.java(NodeMain.class, Integer.toString(nodeId),
				db.path().toString(), this.nodes.replication().streamPrefix(), String.join(",", servers.urls()),
				ignoreTables)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile()));
		await().atMost(TIMEOUT).until(() -> java.nio.file.Files.readString(log).contains("NODE STARTED"));
		return process;
	}

}
