package io.harmonylite.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import io.harmonylite.nats.KvSnapshotLease;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotConfig;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.PurgeOptions;
import io.nats.client.api.KeyValueEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots in running nodes on a real nats-server and SQLite files: a new node joins a cluster whose streams no
 * longer hold its history, a node that fell behind the streams heals and keeps what was written to it while it was
 * stopped, a node whose schema differs waits until it matches, another node takes over the snapshots when the lease
 * holder is killed, an operator lists, takes and restores snapshots on running and stopped nodes, and a node's own
 * writes not yet echoed are in its tables right after a restore, so an increment builds on them.
 */
class SnapshotIntegrationTests {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotIntegrationTests.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	private static final String BOOKS = "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
			+ "author TEXT NOT NULL, publication_year INTEGER)";

	/** Streams this short hold only the last few messages: a late node cannot replay the history. */
	private static final long SHORT_STREAM = 20;

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path dir;

	private final List<HarmonyLiteEngine> engines = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	private String prefix;

	@BeforeEach
	void uniqueStreams(TestInfo test) {
		this.prefix = "s" + Integer.toHexString(test.getDisplayName().hashCode() & 0xfffffff) + "-"
				+ System.nanoTime() % 100_000;
	}

	@AfterEach
	void stopNodes() {
		this.engines.forEach(HarmonyLiteEngine::close);
		this.processes.forEach(Process::destroyForcibly);
	}

	@Test
	void newNodeWithAnEmptyTableShouldJoinAClusterOf20000RowsFromASnapshot() throws Exception {
		List<TestDatabase> dbs = databases(4);
		for (int node = 1; node <= 3; node++) {
			startNode(node, dbs.get(node - 1), UnaryOperator.identity());
		}
		for (int batch = 0; batch < 40; batch++) {
			List<String> inserts = new ArrayList<>();
			for (int id = batch * 500 + 1; id <= (batch + 1) * 500; id++) {
				inserts.add("INSERT INTO Books VALUES (" + id + ", 'Title " + id + "', 'Author " + (id % 97) + "', "
						+ (1900 + id % 120) + ")");
			}
			dbs.get(0).execute(inserts.toArray(String[]::new));
		}
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 20_000 && dbs.get(2).count("Books") == 20_000);
		assertThat(firstSequence()).as("the stream no longer holds the first changes").isGreaterThan(1);

		long started = System.nanoTime();
		HarmonyLiteEngine fourth = startNode(4, dbs.get(3), UnaryOperator.identity());
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(dbs.get(3))).isEqualTo(checksum(dbs.get(0))));
		logger.info("Node 4 joined 20000 rows in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());

		EngineStatus status = fourth.status();
		assertThat(status.counters().snapshotRestores()).isEqualTo(1);
		assertThat(status.snapshots().lastRestore().reason()).isEqualTo("no replication state");
		await().atMost(TIMEOUT).until(() -> fourth.status().state() == NodeState.RUNNING);
		dbs.get(3).execute("INSERT INTO Books VALUES (20001, 'written on the new node', 'x', 2025)");
		await().atMost(TIMEOUT).until(() -> dbs.get(0).count("Books") == 20_001 && dbs.get(1).count("Books") == 20_001);
		assertThat(checksum(dbs.get(1))).isEqualTo(checksum(dbs.get(3)));
	}

	@Test
	void nodeBehindTheStreamShouldRestoreAndSendWhatWasWrittenToItWhileStopped() throws Exception {
		restoreAfterAGap(UnaryOperator.identity());
	}

	@Test
	void nodeWaitingForASnapshotShouldGetOneFromTheLeaseHolderWithoutWaitingForItsInterval() throws Exception {
		// No scheduled snapshot at all: only node 2's request makes the lease holder take one.
		EngineStatus status = restoreAfterAGap(onDemandSnapshots());
		assertThat(status.snapshots().lastRestore().snapshotId()).doesNotContain("-n2-");
	}

	/**
	 * Node 2 is stopped while more changes are written than the stream keeps, and written to meanwhile; it restarts
	 * into a gap, restores a snapshot and sends its own changes.
	 */
	private EngineStatus restoreAfterAGap(UnaryOperator<HarmonyLiteConfig.Builder> custom) throws Exception {
		List<TestDatabase> dbs = databases(3);
		startNode(1, dbs.get(0), custom);
		HarmonyLiteEngine second = startNode(2, dbs.get(1), custom);
		startNode(3, dbs.get(2), custom);
		writeOneMessagePerRow(dbs.get(0), 1, 5);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 5);
		second.close();
		writeOneMessagePerRow(dbs.get(0), 6, 6 + SHORT_STREAM + 10);
		sqlite3(dbs.get(1).path(), "INSERT INTO Books VALUES (9001, 'offline 1', 'node 2', 2024); "
				+ "INSERT INTO Books VALUES (9002, 'offline 2', 'node 2', 2024); "
				+ "UPDATE Books SET title = 'changed offline' WHERE id = 2;");

		HarmonyLiteEngine restarted = startNode(2, dbs.get(1), custom);

		await().atMost(TIMEOUT).untilAsserted(() -> {
			String expected = checksum(dbs.get(0));
			assertThat(dbs.get(0).rows("SELECT id, title FROM Books WHERE id IN (2, 9001, 9002) ORDER BY id"))
				.containsExactly("2|changed offline", "9001|offline 1", "9002|offline 2");
			assertThat(checksum(dbs.get(1))).isEqualTo(expected);
			assertThat(checksum(dbs.get(2))).isEqualTo(expected);
			// Counted once the restore is done, a moment after its rows are visible.
			assertThat(restarted.status().counters().snapshotRestores()).isEqualTo(1);
		});
		EngineStatus status = restarted.status();
		assertThat(status.snapshots().lastRestore().reason()).isEqualTo("a stream gap");
		assertThat(dbs.get(1).count("Books")).isEqualTo(6 + SHORT_STREAM + 10 + 2);
		return status;
	}

	@Test
	void newNodeWithAnotherSchemaShouldWaitAndRestoreOnceItsSchemaMatches() throws Exception {
		List<TestDatabase> dbs = databases(1);
		dbs.get(0).execute("ALTER TABLE Books ADD COLUMN isbn TEXT");
		startNode(1, dbs.get(0), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, SHORT_STREAM + 5);
		TestDatabase late = new TestDatabase(this.dir.resolve("late.db"));
		late.execute(BOOKS);

		HarmonyLiteEngine node = startNode(2, late, UnaryOperator.identity());

		await().atMost(TIMEOUT).untilAsserted(() -> {
			EngineStatus status = node.status();
			assertThat(status.state()).isEqualTo(NodeState.WAITING_FOR_SNAPSHOT);
			assertThat(status.snapshots().waiting()).contains("schema hash");
		});
		assertThat(late.count("Books")).isZero();
		// The late node's application runs the migration the cluster already has.
		late.execute("ALTER TABLE Books ADD COLUMN isbn TEXT");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(late)).isEqualTo(checksum(dbs.get(0))));
		await().atMost(TIMEOUT).until(() -> node.status().state() == NodeState.RUNNING);
	}

	@Test
	void newNodeWithAnotherSchemaShouldRestoreOnceItsSchemaMatchesAlthoughTheStreamsHoldEveryChange()
			throws Exception {
		List<TestDatabase> dbs = databases(1);
		// Written before the node ever ran, so before capture: no stream holds this row, only the snapshots.
		dbs.get(0).execute("ALTER TABLE Books ADD COLUMN isbn TEXT",
				"INSERT INTO Books VALUES (1000, 'Written before capture', 'Someone', 1999, '0-00')");
		HarmonyLiteEngine first = startNode(1, dbs.get(0), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, 3);
		await().atMost(TIMEOUT).until(() -> first.status().snapshots().newest() != null);
		TestDatabase late = new TestDatabase(this.dir.resolve("late.db"));
		late.execute(BOOKS, "INSERT INTO Books VALUES (5000, 'Only here', 'Local', 2001)");

		HarmonyLiteEngine node = startNode(2, late, UnaryOperator.identity());
		await().atMost(TIMEOUT).until(() -> node.status().state() == NodeState.PAUSED_SCHEMA_MISMATCH);
		late.execute("ALTER TABLE Books ADD COLUMN isbn TEXT");

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(late)).isEqualTo(checksum(dbs.get(0))));
		assertThat(late.count("Books")).isEqualTo(4);
		String snapshot = node.status().snapshots().lastRestore().snapshotId();
		assertThat(new TestDatabase(this.dir.resolve("late.db.before-restore-" + snapshot))
			.rows("SELECT id, title FROM Books")).as("the rows it held before it ever ran, kept aside")
			.contains("5000|Only here");
	}

	@Test
	void newNodeThatAppliedOlderChangesFromTheStreamsShouldNotTakeThemForRowsNeverCapturedWhenItRestoresLater()
			throws Exception {
		List<TestDatabase> dbs = databases(1);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), (b) -> b.snapshot(snapshots().keep(1).build()));
		writeOneMessagePerRow(dbs.get(0), 1, 3);
		String original = first.status().schema().hash();
		dbs.get(0).execute("ALTER TABLE Books ADD COLUMN isbn TEXT");
		await().atMost(TIMEOUT).until(() -> !first.status().schema().hash().equals(original));
		java.time.Instant migrated = java.time.Instant.now();
		writeOneMessagePerRow(dbs.get(0), 4, 5);
		// Only a snapshot of the new schema is left.
		await().atMost(TIMEOUT).until(() -> first.status().snapshots().newest() != null
				&& first.status().snapshots().newest().createdAt().isAfter(migrated));
		TestDatabase late = new TestDatabase(this.dir.resolve("late.db"));
		late.execute(BOOKS);

		HarmonyLiteEngine node = startNode(2, late, UnaryOperator.identity());
		await().atMost(TIMEOUT).until(() -> node.status().state() == NodeState.PAUSED_SCHEMA_MISMATCH);
		assertThat(late.count("Books")).as("the changes made before the migration, applied from the streams").isEqualTo(3);
		late.execute("ALTER TABLE Books ADD COLUMN isbn TEXT");

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(late)).isEqualTo(checksum(dbs.get(0))));
		await().atMost(TIMEOUT).until(() -> node.status().snapshots().lastRestore() != null);
		String snapshot = node.status().snapshots().lastRestore().snapshotId();
		assertThat(this.dir.resolve("late.db.before-restore-" + snapshot)).as("no rows of its own to keep aside")
			.doesNotExist();
	}

	@Test
	void newNodeRestoringOverRowsItHeldBeforeItEverRanShouldKeepACopyOfThem() throws Exception {
		List<TestDatabase> dbs = databases(1);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, SHORT_STREAM + 5);
		await().atMost(TIMEOUT).until(() -> first.status().snapshots().newest() != null);
		TestDatabase late = new TestDatabase(this.dir.resolve("late.db"));
		late.execute(BOOKS, "INSERT INTO Books VALUES (5000, 'Only here', 'Local', 2001)");

		HarmonyLiteEngine node = startNode(2, late, UnaryOperator.identity());

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(late)).isEqualTo(checksum(dbs.get(0))));
		String snapshot = node.status().snapshots().lastRestore().snapshotId();
		Path copy = this.dir.resolve("late.db.before-restore-" + snapshot);
		assertThat(new TestDatabase(copy).rows("SELECT id, title FROM Books")).containsExactly("5000|Only here");
	}

	@Test
	void newNodeShouldRestoreTheNextSnapshotWhenTheNewestIsNotFoundWhenRestored() throws Exception {
		List<TestDatabase> dbs = databases(2);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), onDemandSnapshots());
		writeOneMessagePerRow(dbs.get(0), 1, 3);
		SnapshotMetadata older = first.snapshots().take();
		writeOneMessagePerRow(dbs.get(0), 4, 5);
		SnapshotMetadata newest = first.snapshots().take();
		// Listed, but its data is not found, as a lagging replica of the bucket answers.
		String bucket = this.prefix + "-snapshots";
		try (Connection connection = Nats.connect(nats.url())) {
			String nuid = connection.objectStore(bucket).getInfo(newest.id() + ".db.zst").getNuid();
			connection.jetStreamManagement().purgeStream("OBJ_" + bucket,
					PurgeOptions.subject("$O." + bucket + ".C." + nuid));
		}

		HarmonyLiteEngine node = startNode(2, dbs.get(1), onDemandSnapshots());

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(dbs.get(1))).isEqualTo(checksum(dbs.get(0))));
		assertThat(node.status().snapshots().lastRestore()).isNotNull()
			.satisfies((restore) -> assertThat(restore.snapshotId()).isEqualTo(older.id()));
	}

	@Test
	void newDatabaseRestoredBeforeItsNodeEverRanShouldKeepACopyOfItsRowsAndCaptureWhatIsWrittenBeforeTheStart()
			throws Exception {
		List<TestDatabase> dbs = databases(1);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, 3);
		SnapshotMetadata taken = first.snapshots().take();
		TestDatabase fresh = new TestDatabase(this.dir.resolve("fresh.db"));
		fresh.execute(BOOKS, "INSERT INTO Books VALUES (5000, 'Only here', 'Local', 2001)");
		HarmonyLiteEngine node = node(2, fresh, UnaryOperator.identity());

		assertThat(node.snapshots().restore(null)).isInstanceOf(RestoreOutcome.Restored.class);
		sqlite3(fresh.path(), "INSERT INTO Books VALUES (6000, 'written before its first start', 'x', 1)");
		node.start();

		Path copy = this.dir.resolve("fresh.db.before-restore-" + taken.id());
		assertThat(new TestDatabase(copy).rows("SELECT id, title FROM Books")).containsExactly("5000|Only here");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(0).rows("SELECT title FROM Books WHERE id = 6000"))
			.containsExactly("written before its first start"));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(fresh)).isEqualTo(checksum(dbs.get(0))));
	}

	@Test
	void newNodeStartedWhileItsApplicationWritesShouldRestoreASnapshotRatherThanReplayAnOlderSchema()
			throws Exception {
		List<TestDatabase> dbs = databases(2);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), UnaryOperator.identity());
		writeOneMessagePerRow(dbs.get(0), 1, 3);
		// The streams start with changes of a schema that no node runs any more.
		dbs.get(0).execute("ALTER TABLE Books ADD COLUMN note TEXT");
		dbs.get(1).execute("ALTER TABLE Books ADD COLUMN note TEXT");
		writeOneMessagePerRow(dbs.get(0), 4, 6);
		first.snapshots().take();
		AtomicBoolean writing = new AtomicBoolean(true);
		// Its application writes all through its start (as a node re-added after --cleanup did).
		Thread writer = new Thread(() -> {
			for (int id = 8000; writing.get(); id++) {
				dbs.get(1).execute("INSERT INTO Books (id, title, author, publication_year) VALUES (" + id
						+ ", 'written during the start', 'x', 1)");
			}
		});
		writer.start();
		HarmonyLiteEngine second;
		try {
			second = startNode(2, dbs.get(1), UnaryOperator.identity());
			await().atMost(TIMEOUT).until(() -> second.status().snapshots().lastRestore() != null);
		}
		finally {
			writing.set(false);
			writer.join();
		}

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(dbs.get(1))).isEqualTo(checksum(dbs.get(0))));
		assertThat(dbs.get(0).count("Books")).as("the rows it captured during the start reached the cluster")
			.isGreaterThan(6);
		assertThat(second.status().state()).isEqualTo(NodeState.RUNNING);
	}

	@Test
	void killedLeaseHolderShouldBeReplacedByAnotherNodeTakingTheSnapshots() throws Exception {
		List<TestDatabase> dbs = databases(2);
		Process first = startNodeProcess(1, dbs.get(0));
		try (Connection connection = Nats.connect(nats.url())) {
			await().atMost(TIMEOUT).until(() -> "1".equals(leaseHolder(connection)));
			HarmonyLiteEngine second = startNode(2, dbs.get(1), UnaryOperator.identity());
			// While node 1 heartbeats its lease, node 2 is not the holder (on a heavily loaded machine node 1 may
			// have lost it already: then it is node 2's and the hand-over below is trivially true).
			assertThat(second.status().snapshots().leader()).isEqualTo("2".equals(leaseHolder(connection)));

			first.destroyForcibly().waitFor();

			await().atMost(TIMEOUT).untilAsserted(() -> {
				EngineStatus.Snapshots snapshots = second.status().snapshots();
				assertThat(snapshots.leader()).isTrue();
				assertThat(snapshots.lastTaken()).isNotNull();
			});
			assertThat(leaseHolder(connection)).isEqualTo("2");
		}
	}

	@Test
	void operatorShouldListTakeAndRestoreSnapshotsOnRunningAndStoppedNodes() throws Exception {
		List<TestDatabase> dbs = databases(2);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), (b) -> b.snapshot(snapshots().interval(Duration.ZERO)
			.afterChanges(1_000_000)
			.build()));
		HarmonyLiteEngine second = startNode(2, dbs.get(1), (b) -> b.snapshot(snapshots().interval(Duration.ZERO)
			.afterChanges(1_000_000)
			.build()));
		writeOneMessagePerRow(dbs.get(0), 1, 3);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 3);

		SnapshotMetadata taken = second.snapshots().take();

		assertThat(taken.nodeId()).isEqualTo(2);
		assertThat(taken.rowCounts()).containsEntry("Books", 3L);
		assertThat(first.snapshots().list()).first().isEqualTo(taken);
		assertThat(second.status().counters().snapshotsTaken()).isEqualTo(1);
		assertThat(second.status().snapshots().lastTaken().id()).isEqualTo(taken.id());

		second.close();
		writeOneMessagePerRow(dbs.get(0), 4, 4 + SHORT_STREAM + 5);
		dbs.get(1).execute("INSERT INTO Books VALUES (500, 'written while stopped', 'x', 1)");
		RestoreOutcome refused = second.snapshots().restore(taken.id());
		assertThat(refused).as("its position is older than the stream's first message")
			.isInstanceOfSatisfying(RestoreOutcome.Refused.class,
					(outcome) -> assertThat(outcome.reason()).contains(taken.id(), "now starts at"));
		SnapshotMetadata fresh = first.snapshots().take();

		RestoreOutcome restored = second.snapshots().restore(null);

		assertThat(restored).isInstanceOfSatisfying(RestoreOutcome.Restored.class,
				(outcome) -> assertThat(outcome.snapshotId()).isEqualTo(fresh.id()));
		assertThat(dbs.get(1).count("Books"))
			.as("the snapshot's rows and the one written while stopped, merged before it is sent")
			.isEqualTo(4 + SHORT_STREAM + 5 + 1);
		second.start();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(checksum(dbs.get(0))).isEqualTo(checksum(dbs.get(1))));
		assertThat(dbs.get(0).rows("SELECT title FROM Books WHERE id = 500")).containsExactly("written while stopped");
		assertThat(second.status().state()).isEqualTo(NodeState.RUNNING);
	}

	@Test
	void incrementRightAfterARestoreShouldBuildOnTheNodesOwnWriteNotYetEchoed() throws Exception {
		List<TestDatabase> dbs = databases(2);
		UnaryOperator<HarmonyLiteConfig.Builder> onDemand = onDemandSnapshots();
		HarmonyLiteEngine first = startNode(1, dbs.get(0), onDemand);
		HarmonyLiteEngine second = startNode(2, dbs.get(1), onDemand);
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'counter', 'x', 3)");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 1);
		SnapshotMetadata three = first.snapshots().take();
		second.close();
		sqlite3(dbs.get(1).path(), "UPDATE Books SET publication_year = 5 WHERE id = 1");

		assertThat(second.snapshots().restore(three.id())).isInstanceOf(RestoreOutcome.Restored.class);

		assertThat(dbs.get(1).rows("SELECT publication_year FROM Books WHERE id = 1"))
			.as("the node's own write, not yet sent, read right after the restore")
			.containsExactly("5");
		sqlite3(dbs.get(1).path(), "UPDATE Books SET publication_year = publication_year + 1 WHERE id = 1");
		second.start();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(second.status().pendingChanges()).isZero();
			assertThat(dbs.get(0).rows("SELECT publication_year FROM Books WHERE id = 1")).containsExactly("6");
			assertThat(dbs.get(1).rows("SELECT publication_year FROM Books WHERE id = 1")).containsExactly("6");
		});
		assertThat(second.status().state()).isEqualTo(NodeState.RUNNING);
	}

	@Test
	void nodeWithUnsentChangesOlderThanTheTombstoneRetentionShouldRestoreRatherThanSplitTheNodes() throws Exception {
		List<TestDatabase> dbs = databases(3);
		ReplicationConfig defaults = ReplicationConfig.defaults();
		// The streams keep every change (no gap), tombstones are removed after a minute.
		ReplicationConfig oneMinuteTombstones = new ReplicationConfig(1, this.prefix, this.prefix + "-subject", 1,
				1_000_000, false, false, defaults.publishWindow(), defaults.applyBatchSize())
			.withConflicts(defaults.maxClockSkew(), Duration.ofMinutes(1));
		UnaryOperator<HarmonyLiteConfig.Builder> custom = (b) -> onDemandSnapshots()
			.apply(b.replication(oneMinuteTombstones).cleanupInterval(Duration.ofSeconds(1)));
		HarmonyLiteEngine first = startNode(1, dbs.get(0), custom);
		startNode(2, dbs.get(1), custom);
		HarmonyLiteEngine third = startNode(3, dbs.get(2), custom);
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune', 'x', 1)", "INSERT INTO Books VALUES (2, 'Emma', 'y', 2)",
				"INSERT INTO Books VALUES (3, 'Ulysses', 'z', 3)");
		await().atMost(TIMEOUT).until(() -> dbs.get(2).count("Books") == 3);
		third.close();
		// Node 3's file is written while it is stopped; node 1 deletes the row afterwards.
		sqlite3(dbs.get(2).path(), "UPDATE Books SET title = 'updated while away' WHERE id = 3");
		dbs.get(0).execute("DELETE FROM Books WHERE id = 3");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 2);
		// The tombstone is removed on nodes 1 and 2 once the retention has passed.
		await().atMost(Duration.ofMinutes(3)).until(() -> dbs.get(0).count("__harmonylite__row_version") == 2
				&& dbs.get(1).count("__harmonylite__row_version") == 2);
		first.snapshots().take();

		third.start();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(third.status().pendingChanges()).isZero();
			String expected = checksum(dbs.get(0));
			assertThat(checksum(dbs.get(1))).isEqualTo(expected);
			assertThat(checksum(dbs.get(2))).isEqualTo(expected);
		});
		assertThat(third.status().snapshots().lastRestore().reason())
			.isEqualTo("unsent changes older than the tombstone retention");
		assertThat(third.status().state()).isEqualTo(NodeState.RUNNING);
	}

	private List<TestDatabase> databases(int count) {
		List<TestDatabase> dbs = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			TestDatabase db = new TestDatabase(this.dir.resolve("node-" + i + ".db"));
			db.execute(BOOKS);
			dbs.add(db);
		}
		return dbs;
	}

	/** Snapshots taken on demand only: none by time, none by count. */
	private UnaryOperator<HarmonyLiteConfig.Builder> onDemandSnapshots() {
		return (b) -> b.snapshot(snapshots().interval(Duration.ZERO).afterChanges(1_000_000).build());
	}

	private SnapshotConfig.Builder snapshots() {
		return SnapshotConfig.builder()
			.bucket(this.prefix + "-snapshots")
			.interval(Duration.ofSeconds(2))
			.leaseTtl(Duration.ofSeconds(3));
	}

	private ReplicationConfig replication() {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		return new ReplicationConfig(1, this.prefix, this.prefix + "-subject", 1, SHORT_STREAM, false, false,
				defaults.publishWindow(), defaults.applyBatchSize());
	}

	private HarmonyLiteEngine startNode(int nodeId, TestDatabase db, UnaryOperator<HarmonyLiteConfig.Builder> custom) {
		HarmonyLiteEngine engine = node(nodeId, db, custom);
		engine.start();
		return engine;
	}

	/** A node not started yet, stopped with the test. */
	private HarmonyLiteEngine node(int nodeId, TestDatabase db, UnaryOperator<HarmonyLiteConfig.Builder> custom) {
		HarmonyLiteConfig.Builder builder = HarmonyLiteConfig.builder()
			.nodeId(nodeId)
			.dbPath(db.path())
			.pollingInterval(Duration.ofMillis(20))
			.nats(NatsConfig.external(nats.url()))
			.replication(replication())
			.snapshot(snapshots().workDirectory(this.dir.resolve("work-" + nodeId)).build());
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(custom.apply(builder).build()).build();
		this.engines.add(engine);
		return engine;
	}

	private Process startNodeProcess(int nodeId, TestDatabase db) throws Exception {
		Path log = this.dir.resolve("node-" + nodeId + "-process.log");
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), NodeMain.class.getName(), Integer.toString(nodeId),
				db.path().toString(), this.prefix, nats.url(), "", this.prefix + "-snapshots", "3")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		this.processes.add(process);
		await().atMost(TIMEOUT).until(() -> Files.readString(log).contains("NODE STARTED"));
		return process;
	}

	private String leaseHolder(Connection connection) throws Exception {
		KeyValue lease = connection.keyValue(KvSnapshotLease.BUCKET);
		KeyValueEntry entry = lease.get(this.prefix);
		return (entry != null && entry.getValue() != null) ? new String(entry.getValue(), StandardCharsets.UTF_8) : "";
	}

	/**
	 * One message per row: each write is published before the next.
	 */
	private void writeOneMessagePerRow(TestDatabase db, long from, long to) {
		HarmonyLiteEngine writer = this.engines.stream()
			.filter((engine) -> engine.config().dbPath().equals(db.path()) && engine.isRunning())
			.findFirst()
			.orElseThrow();
		for (long id = from; id <= to; id++) {
			db.execute("INSERT INTO Books (id, title, author, publication_year) VALUES (" + id + ", 'Title " + id
					+ "', 'Author', 2000)");
			await().atMost(TIMEOUT).until(() -> writer.status().pendingChanges() == 0);
		}
	}

	private long firstSequence() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			return connection.jetStreamManagement().getStreamInfo(this.prefix + "-0").getStreamState().getFirstSequence();
		}
	}

	private static String checksum(TestDatabase db) throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		for (String row : db.rows("SELECT * FROM Books ORDER BY id")) {
			digest.update(row.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) '\n');
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private static void sqlite3(Path database, String sql) throws Exception {
		Process process = new ProcessBuilder("sqlite3", "-cmd", ".timeout 30000", database.toString(), sql)
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as("sqlite3: %s", output).isZero();
	}

}
