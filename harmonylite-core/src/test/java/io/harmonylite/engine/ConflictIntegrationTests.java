package io.harmonylite.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Version;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The conflict semantics on real nodes (a real nats-server, real SQLite files, the sqlite3 shell as a writer of its
 * own): the later write wins wherever it was made and whenever it arrives, edits of different columns both survive,
 * no update is lost, deletes race by the rule, a writer with a wrong clock cannot win, and the cluster keeps
 * converging while a node of the previous release publishes.
 * <p>
 * "Partitioned" edits are made while the nodes are stopped: capture keeps recording them, and they are published
 * when the nodes start again, in whatever order the nodes get to it.
 */
class ConflictIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String KV = "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT, a TEXT, ctr INTEGER NOT NULL DEFAULT 0)";

	private static final String ALL = "SELECT k, v, a, ctr FROM kv ORDER BY k";

	private static final String RENAMED_TRIGGER_TABLE = "SELECT tbl_name FROM sqlite_master "
			+ "WHERE name = '__harmonylite__kv_new__insert'";

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes cluster = new TestNodes(nats, "c");

	@Test
	void olderEditOfAStoppedNodeShouldLoseEverywhereToANewerOneMadeElsewhere() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(3, KV);
		List<HarmonyLiteEngine> nodes = startAll(dbs, UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO kv (k, v) VALUES ('row', 'seed')");
		awaitEverywhere(dbs, "row|seed|null|0");
		nodes.get(0).close();
		sqlite3(dbs.get(0).path(), "UPDATE kv SET v = 'older, made on node 1 while it was stopped'");
		afterThisMillisecond();
		dbs.get(1).execute("UPDATE kv SET v = 'newer, made on node 2'");
		awaitRows(dbs.get(2), "row|newer, made on node 2|null|0");
		nodes.get(0).start();
		awaitEverywhere(dbs, "row|newer, made on node 2|null|0");
		await().atMost(TIMEOUT).until(() -> nodes.get(0).status().pendingChanges() == 0
				&& nodes.get(2).status().counters().superseded() >= 1);
		assertRowsStay(dbs, "row|newer, made on node 2|null|0");
	}

	@Test
	void concurrentEditsOfDifferentColumnsOfOneRowShouldBothSurvive() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		List<HarmonyLiteEngine> nodes = startAll(dbs, UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO kv (k, v, a) VALUES ('row', 'v0', 'a0')");
		awaitEverywhere(dbs, "row|v0|a0|0");
		nodes.forEach(HarmonyLiteEngine::close);
		dbs.get(0).execute("UPDATE kv SET v = 'v from node 1'");
		sqlite3(dbs.get(1).path(), "UPDATE kv SET a = 'a from node 2'");
		nodes.forEach(HarmonyLiteEngine::start);
		awaitEverywhere(dbs, "row|v from node 1|a from node 2|0");
	}

	@Test
	void updateChangingOnlyCaseTrailingSpacesOrTheTypeOfAValueShouldReachEveryNode() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2,
				"CREATE TABLE nc (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, tag TEXT COLLATE RTRIM, u)");
		startAll(dbs, UnaryOperator.identity());
		String values = "SELECT id, quote(name), quote(tag), quote(u) FROM nc ORDER BY id";
		dbs.get(0).execute("INSERT INTO nc VALUES (1, 'alice', 'x', 1), (2, 'bob', 'y', '1')");
		for (TestDatabase db : dbs) {
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(db.rows(values)).containsExactly("1|'alice'|'x'|1", "2|'bob'|'y'|'1'"));
		}
		// Equal by the columns' collations and numerically, different in what is stored: another process's writes.
		sqlite3(dbs.get(1).path(), "UPDATE nc SET name = 'Alice', u = 1.0 WHERE id = 1; "
				+ "UPDATE nc SET tag = 'y  ', u = 1 WHERE id = 2;");
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(dbs.get(0).rows(values)).containsExactly("1|'Alice'|'x'|1.0",
					"2|'bob'|'y  '|1"));
	}

	@Test
	void twoHundredIncrementsOnOneNodeWhileOtherNodesWriteOtherRowsShouldEndAtExactlyTwoHundred() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(3, KV);
		List<HarmonyLiteEngine> nodes = startAll(dbs, (b) -> b.replication(this.cluster.replication(2)));
		dbs.get(2).execute("INSERT INTO kv (k) VALUES ('counter')");
		awaitEverywhere(dbs, "counter|null|null|0");
		ExecutorService writers = Executors.newFixedThreadPool(3);
		try {
			List<Future<?>> done = new ArrayList<>();
			done.add(writers.submit(() -> {
				for (int i = 0; i < 200; i++) {
					dbs.get(2).execute("UPDATE kv SET ctr = ctr + 1 WHERE k = 'counter'");
				}
			}));
			for (int node = 0; node < 2; node++) {
				TestDatabase db = dbs.get(node);
				String name = "node-" + (node + 1);
				done.add(writers.submit(() -> {
					for (int i = 0; i < 100; i++) {
						db.execute("INSERT INTO kv (k, v) VALUES ('" + name + "-" + i % 20 + "', 'x') "
								+ "ON CONFLICT (k) DO UPDATE SET v = 'write " + i + "'");
					}
				}));
			}
			for (Future<?> each : done) {
				each.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			writers.shutdown();
		}
		await().atMost(TIMEOUT).untilAsserted(() -> {
			List<String> reference = dbs.get(2).rows(ALL);
			assertThat(reference).hasSize(41).contains("counter|null|null|200");
			assertThat(dbs.get(0).rows(ALL)).isEqualTo(reference);
			assertThat(dbs.get(1).rows(ALL)).isEqualTo(reference);
		});
		assertThat(nodes.get(2).status().counters().superseded()).as("node 3's own increments coming back")
			.isPositive();
	}

	@Test
	void deleteAndUpdateRacingShouldConvergeByTheRuleBothWays() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		List<HarmonyLiteEngine> nodes = startAll(dbs, UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO kv (k, v, a) VALUES ('r1', 'seed', 'a0'), ('r2', 'seed', 'a0')");
		awaitEverywhere(dbs, "r1|seed|a0|0", "r2|seed|a0|0");
		nodes.forEach(HarmonyLiteEngine::close);
		dbs.get(0).execute("DELETE FROM kv WHERE k = 'r1'");
		dbs.get(1).execute("UPDATE kv SET v = 'updated before the delete' WHERE k = 'r2'");
		afterThisMillisecond();
		dbs.get(1).execute("UPDATE kv SET v = 'updated after the delete' WHERE k = 'r1'");
		dbs.get(0).execute("DELETE FROM kv WHERE k = 'r2'");
		nodes.forEach(HarmonyLiteEngine::start);
		// r1 comes back with the update and its other columns from before the delete; r2 stays deleted.
		awaitEverywhere(dbs, "r1|updated after the delete|a0|0");
		assertRowsStay(dbs, "r1|updated after the delete|a0|0");
	}

	@Test
	void twoDeletesAReinsertAndAnOlderUpdateShouldLeaveEveryNodeIdentical() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(3, KV);
		List<HarmonyLiteEngine> nodes = startAll(dbs, UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO kv (k, v, a) VALUES ('r3', 'seed', 'a0'), ('r4', 'seed', 'a0')");
		awaitEverywhere(dbs, "r3|seed|a0|0", "r4|seed|a0|0");
		nodes.forEach(HarmonyLiteEngine::close);
		// Node 3, cut off, updates both rows before anything else happens.
		dbs.get(2).execute("UPDATE kv SET a = 'a from node 3'");
		afterThisMillisecond();
		// Nodes 1 and 2, cut off from each other, both delete r3.
		dbs.get(0).execute("DELETE FROM kv WHERE k = 'r3'");
		dbs.get(1).execute("DELETE FROM kv WHERE k = 'r3'");
		nodes.get(0).start();
		nodes.get(1).start();
		awaitRows(dbs.get(1), "r4|seed|a0|0");
		// Then node 1 deletes r4, and node 2 inserts it again once it has seen the delete.
		dbs.get(0).execute("DELETE FROM kv WHERE k = 'r4'");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("kv") == 0);
		dbs.get(1).execute("INSERT INTO kv (k, v, a) VALUES ('r4', 'inserted again', 'a new')");
		awaitRows(dbs.get(0), "r4|inserted again|a new|0");
		nodes.get(2).start();
		awaitEverywhere(dbs, "r4|inserted again|a new|0");
		String versions = "SELECT tbl, hex(pk), hex(vv), hex(ghost), tombstone FROM __harmonylite__row_version "
				+ "ORDER BY tbl, pk";
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(1).rows(versions)).as("node 2's version state").isEqualTo(dbs.get(0).rows(versions));
			assertThat(dbs.get(2).rows(versions)).as("node 3's version state").isEqualTo(dbs.get(0).rows(versions));
		});
		assertThat(dbs.get(0).rows(versions)).hasSize(2);
	}

	@Test
	void writerWithAClockAnHourAheadShouldNotWinOverALaterWriteOfANodeThatHadNotSeenIt() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		List<HarmonyLiteEngine> nodes = startSeededWithASecondOfSkew(dbs);
		nodes.get(1).close();
		run("faketime", "+1 hour", "sqlite3", dbs.get(0).path().toString(),
				"PRAGMA busy_timeout = 10000; UPDATE kv SET v = 'written by a process whose clock is an hour ahead'");
		await().atMost(TIMEOUT).until(() -> nodes.get(0).status().counters().clampedLocalVersions() == 1
				&& nodes.get(0).status().pendingChanges() == 0);
		long published = Version.millisOf(lastPublished().hlc());
		assertThat(published).as("the version published, bounded to the node's clock plus 1s")
			.isLessThan(System.currentTimeMillis() + 2_000);
		// Node 2, which has not seen that write, writes the row a moment later by the true time.
		await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > published + 1);
		dbs.get(1).execute("UPDATE kv SET v = 'written a moment later on node 2'");
		nodes.get(1).start();
		awaitEverywhere(dbs, "row|written a moment later on node 2|null|0");
		assertRowsStay(dbs, "row|written a moment later on node 2|null|0");
	}

	@Test
	void nodeThatAppliedAChangeOfANodeWhoseClockIsAnHourAheadShouldReportItUntilTheTimeCatchesUp() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		HarmonyLiteEngine ahead = this.cluster.start(HarmonyLiteEngine.builder(this.cluster.config(1, dbs.get(0),
				UnaryOperator.identity())).clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1))));
		HarmonyLiteEngine healthy = start(2, dbs.get(1), UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO kv (k, v) VALUES ('row', 'from a machine an hour ahead')");
		awaitRows(dbs.get(1), "row|from a machine an hour ahead|null|0");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(healthy.status().problems())
			.anySatisfy((problem) -> {
				assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CLOCK_AHEAD);
				assertThat(problem.reason()).contains("node(s) [1]");
			}));
		assertThat(ahead.status().problems()).noneMatch((problem) -> problem.kind() == EngineStatus.ProblemKind.CLOCK_AHEAD);
	}

	@Test
	void writerWithAClockAnHourAheadWhileItsNodeWasStoppedShouldNotWinOverALaterWrite() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		List<HarmonyLiteEngine> nodes = startSeededWithASecondOfSkew(dbs);
		nodes.get(1).close();
		run("faketime", "+1 hour", "sqlite3", dbs.get(1).path().toString(),
				"PRAGMA busy_timeout = 10000; UPDATE kv SET v = 'written by a clock an hour ahead, node stopped'");
		long written = System.currentTimeMillis();
		await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > written + 1_500);
		dbs.get(0).execute("UPDATE kv SET v = 'written later on node 1'");
		await().atMost(TIMEOUT).until(() -> nodes.get(0).status().pendingChanges() == 0);
		// Node 2 comes back long after: its change was made before node 1's, so it wins for no more than the skew.
		long later = System.currentTimeMillis();
		await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > later + 1_500);
		nodes.get(1).start();
		awaitEverywhere(dbs, "row|written later on node 1|null|0");
		assertRowsStay(dbs, "row|written later on node 1|null|0");
		assertThat(nodes.get(1).status().counters().clampedLocalVersions()).isEqualTo(1);
	}

	@Test
	void writeOfAWriterWhoseClockIsBehindShouldStillWinOverAnEarlierWriteItsNodeHadNotSeen() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		List<HarmonyLiteEngine> nodes = startSeededWithASecondOfSkew(dbs);
		// Node 2 applies nothing for a while (as when cut off), but keeps watching its own database.
		assertThat(nodes.get(1).pauseShard(0)).isTrue();
		dbs.get(0).execute("UPDATE kv SET v = 'written first, on node 1'");
		await().atMost(TIMEOUT).until(() -> nodes.get(0).status().pendingChanges() == 0);
		// Later by more than the tolerated skew (1 s here).
		long first = System.currentTimeMillis();
		await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > first + 2_500);
		run("faketime", "-f", "-10m", "sqlite3", dbs.get(1).path().toString(),
				"PRAGMA busy_timeout = 10000; UPDATE kv SET v = 'written later, by a clock ten minutes behind'");
		await().atMost(TIMEOUT).until(() -> nodes.get(1).status().pendingChanges() == 0);
		assertThat(nodes.get(1).resumeShard(0)).isTrue();
		awaitEverywhere(dbs, "row|written later, by a clock ten minutes behind|null|0");
		assertRowsStay(dbs, "row|written later, by a clock ten minutes behind|null|0");
	}

	@Test
	void tableRebuiltUnderItsNameOnANodeThatMissedAnUpdateShouldNotSendItsOlderRowsAgain() throws Exception {
		// A second table keeps its capture, so the rebuilt one is caught up as a table captured anew.
		rebuildOnANodeThatMissedAnUpdate(
				this.cluster.databases(2, KV, "CREATE TABLE other (id INTEGER PRIMARY KEY)"));
	}

	@Test
	void onlyTableRebuiltUnderItsNameShouldSendTheRowsWrittenRightAfterTheRebuild() throws Exception {
		// The rebuild drops the database's last captured table for a moment: no capture trigger is left at all.
		rebuildOnANodeThatMissedAnUpdate(this.cluster.databases(2, KV));
	}

	/**
	 * Node 2 misses an update of a row and meanwhile rebuilds table kv under its name, writing a row right after:
	 * the new row reaches node 1, and node 2's older copy of the updated row does not win.
	 */
	private void rebuildOnANodeThatMissedAnUpdate(List<TestDatabase> dbs) throws Exception {
		List<HarmonyLiteEngine> nodes = startAll(dbs, UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO kv (k, v) VALUES ('row', 'seed')");
		awaitEverywhere(dbs, "row|seed|null|0");
		// Node 2 applies nothing for a while (as when it dead-letters a change), but keeps watching its own database.
		assertThat(nodes.get(1).pauseShard(0)).isTrue();
		dbs.get(0).execute("UPDATE kv SET v = 'newer, made on node 1'");
		await().atMost(TIMEOUT).until(() -> nodes.get(0).status().pendingChanges() == 0);
		// Meanwhile a constraint is added on node 2 the only way SQLite allows: the table rebuilt under its name.
		sqlite3(dbs.get(1).path(), "BEGIN; CREATE TABLE kv_new (k TEXT PRIMARY KEY, v TEXT CHECK (v <> ''), a TEXT, "
				+ "ctr INTEGER NOT NULL DEFAULT 0); INSERT INTO kv_new SELECT * FROM kv; DROP TABLE kv; "
				+ "ALTER TABLE kv_new RENAME TO kv; COMMIT; "
				+ "INSERT INTO kv (k, v) VALUES ('new', 'written right after the rebuild')");
		await().atMost(TIMEOUT).until(() -> dbs.get(0).count("kv") == 2);
		assertThat(nodes.get(1).resumeShard(0)).isTrue();

		awaitEverywhere(dbs, "new|written right after the rebuild|null|0", "row|newer, made on node 1|null|0");
		assertRowsStay(dbs, "new|written right after the rebuild|null|0", "row|newer, made on node 1|null|0");
	}

	@Test
	void tableRebuiltStatementByStatementShouldSendTheRowWrittenRightAfterTheRenameUnderItsNewName() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		List<HarmonyLiteEngine> nodes = startAll(dbs, (builder) -> builder.schema(TestNodes.QUICK_SCHEMA));
		Path two = rebuildUpToTheRenameStatementByStatement(dbs);
		// The drop, the rename and a write right after it, in one transaction so that the node cannot make the capture
		// anew in between: the write is recorded by the renamed table's triggers, under the name they were made for.
		assertThat(sqlite3(two, "BEGIN; DROP TABLE kv; ALTER TABLE kv_new RENAME TO kv; "
				+ "INSERT INTO kv (k, v) VALUES ('new', 'written right after the rename'); " + RENAMED_TRIGGER_TABLE
				+ "; COMMIT")).as("the table the trigger made for kv_new is on").isEqualTo("kv");

		awaitEverywhere(dbs, "new|written right after the rename|null|0", "row|seed|null|0");
		assertRowsStay(dbs, "new|written right after the rename|null|0", "row|seed|null|0");
		// What node 1 could not apply are the changes of kv_new sent while it existed (here the copy's inserts).
		assertThat(nodes.get(0).status().problems(ProblemKind.CHANGES_DEAD_LETTERED))
			.extracting(EngineStatus.Problem::subject).containsOnly("table kv_new");
	}

	@Test
	void tableRebuiltStatementByStatementWhileItsNodeIsStoppedShouldSendItsRowsUnderItsNewName() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		List<HarmonyLiteEngine> nodes = startAll(dbs, (builder) -> builder.schema(TestNodes.QUICK_SCHEMA));
		Path two = rebuildUpToTheRenameStatementByStatement(dbs);
		// The node stops before the rename: its capture is made anew at its start, before anything is sent.
		nodes.get(1).close();
		assertThat(sqlite3(two, "DROP TABLE kv; ALTER TABLE kv_new RENAME TO kv; "
				+ "INSERT INTO kv (k, v) VALUES ('new', 'written while the node was stopped'); "
				+ RENAMED_TRIGGER_TABLE)).isEqualTo("kv");
		nodes.get(1).start();

		awaitEverywhere(dbs, "new|written while the node was stopped|null|0", "row|seed|null|0");
		assertRowsStay(dbs, "new|written while the node was stopped|null|0", "row|seed|null|0");
		assertThat(dbs.get(1).rows(RENAMED_TRIGGER_TABLE)).as("the triggers made for kv_new").isEmpty();
	}

	/**
	 * Rebuilds kv on node 2 the way SQLite documents it, one statement at a time as in an interactive shell, up to
	 * the drop of the old table: the new table exists on its own long enough for the node to capture it (node 1 holds the copy's
	 * inserts into kv_new, of a schema that no node has once the rename is made, until it gives up waiting).
	 * @return node 2's database file
	 */
	private static Path rebuildUpToTheRenameStatementByStatement(List<TestDatabase> dbs) throws Exception {
		dbs.get(0).execute("INSERT INTO kv (k, v) VALUES ('row', 'seed')");
		awaitEverywhere(dbs, "row|seed|null|0");
		Path two = dbs.get(1).path();
		sqlite3(two, "CREATE TABLE kv_new (k TEXT PRIMARY KEY, v TEXT CHECK (v <> ''), a TEXT, "
				+ "ctr INTEGER NOT NULL DEFAULT 0)");
		await().atMost(TIMEOUT).until(() -> !dbs.get(1).rows(RENAMED_TRIGGER_TABLE).isEmpty());
		sqlite3(two, "INSERT INTO kv_new SELECT * FROM kv");
		return two;
	}

	@Test
	void rowMissingOnANodeShouldComeBackWholeWithItsNextChange() throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(2, KV);
		startAll(dbs, UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO kv (k, v, a) VALUES ('row', 'seed', 'kept'), ('other', 'seed', 'x')");
		awaitEverywhere(dbs, "other|seed|x|0", "row|seed|kept|0");
		// A rebuild script run without -bail on node 2: the copy fails the new CHECK, the shell goes on with the drop
		// and the rename, and the table ends empty there, with nothing captured.
		assertThat(sqlite3Script(dbs.get(1).path(), """
				BEGIN;
				CREATE TABLE kv_new (k TEXT PRIMARY KEY, v TEXT CHECK (v <> 'seed'), a TEXT, ctr INTEGER NOT NULL DEFAULT 0);
				INSERT INTO kv_new SELECT * FROM kv;
				DROP TABLE kv;
				ALTER TABLE kv_new RENAME TO kv;
				COMMIT;
				""")).contains("CHECK constraint failed");
		assertThat(dbs.get(1).count("kv")).isZero();

		dbs.get(0).execute("UPDATE kv SET v = 'updated on node 1' WHERE k = 'row'");
		awaitRows(dbs.get(1), "row|updated on node 1|kept|0");
		assertRowsStay(List.of(dbs.get(1)), "row|updated on node 1|kept|0");
		assertThat(dbs.get(0).rows(ALL)).containsExactly("other|seed|x|0", "row|updated on node 1|kept|0");
	}

	@Test
	void clusterShouldConvergeWhileANodeOfThePreviousReleasePublishesAndSwitchToVersionsWhenItIsUpgraded()
			throws Exception {
		List<TestDatabase> dbs = this.cluster.databases(3, KV);
		// A rolling upgrade: node 3 still runs the previous release when nodes 1 and 2 come up with this one.
		HarmonyLiteEngine previousRelease = start(3, dbs.get(2), UnaryOperator.identity(),
				ChangeEventCodec.FORMAT_UNVERSIONED);
		HarmonyLiteEngine first = start(1, dbs.get(0), UnaryOperator.identity());
		start(2, dbs.get(1), UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO kv (k, v) VALUES ('m1', 'from node 1')");
		dbs.get(1).execute("INSERT INTO kv (k, v) VALUES ('m2', 'from node 2')");
		dbs.get(2).execute("INSERT INTO kv (k, v) VALUES ('m3', 'from node 3')", "UPDATE kv SET a = 'x' WHERE k = 'm3'");
		awaitEverywhere(dbs, "m1|from node 1|null|0", "m2|from node 2|null|0", "m3|from node 3|x|0");
		dbs.get(0).execute("UPDATE kv SET a = 'y' WHERE k = 'm3'");
		awaitEverywhere(dbs, "m1|from node 1|null|0", "m2|from node 2|null|0", "m3|from node 3|y|0");
		assertThat(publishedFormats()).as("every message while node 3 reads only format 1").containsOnly(1);
		// Node 3 is upgraded: the others see it in the registry and switch to versions.
		previousRelease.close();
		HarmonyLiteEngine upgraded = start(3, dbs.get(2), UnaryOperator.identity());
		int[] row = { 0 };
		await().atMost(TIMEOUT).untilAsserted(() -> {
			dbs.get(0).execute("INSERT INTO kv (k, v) VALUES ('switch-" + row[0]++ + "', 'x')");
			await().atMost(TIMEOUT).until(() -> first.status().pendingChanges() == 0);
			assertThat(publishedFormats()).last().isEqualTo(2);
		});
		// Now the rule holds: a stopped node's older edit loses.
		upgraded.close();
		sqlite3(dbs.get(2).path(), "UPDATE kv SET v = 'older edit of node 3' WHERE k = 'm1'");
		afterThisMillisecond();
		dbs.get(0).execute("UPDATE kv SET v = 'newer edit of node 1' WHERE k = 'm1'");
		upgraded.start();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			List<String> reference = dbs.get(0).rows(ALL);
			assertThat(reference).contains("m1|newer edit of node 1|null|0", "m3|from node 3|y|0");
			assertThat(dbs.get(1).rows(ALL)).isEqualTo(reference);
			assertThat(dbs.get(2).rows(ALL)).isEqualTo(reference);
		});
	}

	/** Starts a node per database with a maximum clock skew of one second, and replicates a seed row. */
	private List<HarmonyLiteEngine> startSeededWithASecondOfSkew(List<TestDatabase> dbs) {
		ReplicationConfig replication = this.cluster.replication()
			.withConflicts(Duration.ofSeconds(1), Duration.ofDays(7));
		List<HarmonyLiteEngine> nodes = startAll(dbs, (b) -> b.replication(replication));
		dbs.get(0).execute("INSERT INTO kv (k, v) VALUES ('row', 'seed')");
		awaitEverywhere(dbs, "row|seed|null|0");
		return nodes;
	}

	private List<HarmonyLiteEngine> startAll(List<TestDatabase> dbs, UnaryOperator<HarmonyLiteConfig.Builder> custom) {
		List<HarmonyLiteEngine> nodes = new ArrayList<>();
		for (int i = 0; i < dbs.size(); i++) {
			nodes.add(start(i + 1, dbs.get(i), custom));
		}
		return nodes;
	}

	private HarmonyLiteEngine start(int node, TestDatabase db, UnaryOperator<HarmonyLiteConfig.Builder> custom) {
		return start(node, db, custom, ChangeEventCodec.FORMAT_VERSIONED);
	}

	private HarmonyLiteEngine start(int node, TestDatabase db, UnaryOperator<HarmonyLiteConfig.Builder> custom,
			int wireFormat) {
		return this.cluster
			.start(HarmonyLiteEngine.builder(this.cluster.config(node, db, custom)).wireFormat(wireFormat));
	}

	/** Waits until the wall clock has moved on, so that the next write gets a later version than the last one. */
	private static void afterThisMillisecond() {
		long now = System.currentTimeMillis();
		await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > now + 1);
	}

	private static void awaitEverywhere(List<TestDatabase> dbs, String... rows) {
		for (TestDatabase db : dbs) {
			awaitRows(db, rows);
		}
	}

	private static void awaitRows(TestDatabase db, String... rows) {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows(ALL)).containsExactly(rows));
	}

	/** The rows stay as they are for a while: nothing arriving late changes them. */
	private static void assertRowsStay(List<TestDatabase> dbs, String... rows) {
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (TestDatabase db : dbs) {
				assertThat(db.rows(ALL)).containsExactly(rows);
			}
		});
	}

	private List<Integer> publishedFormats() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement streams = connection.jetStreamManagement();
			String stream = this.cluster.replication().streamName(0);
			long last = streams.getStreamInfo(stream).getStreamState().getLastSequence();
			List<Integer> formats = new ArrayList<>();
			for (long sequence = 1; sequence <= last; sequence++) {
				formats.add(ChangeEventCodec.formatOf(streams.getMessage(stream, sequence).getData()));
			}
			return formats;
		}
	}

	private ChangeEvent lastPublished() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement streams = connection.jetStreamManagement();
			String stream = this.cluster.replication().streamName(0);
			long last = streams.getStreamInfo(stream).getStreamState().getLastSequence();
			List<ChangeEvent> events = new ChangeEventCodec(false).decodeAll(streams.getMessage(stream, last).getData());
			return events.get(events.size() - 1);
		}
	}

	/** Runs statements with the sqlite3 shell and returns what it printed, without the trailing line break. */
	private static String sqlite3(Path database, String sql) throws IOException, InterruptedException {
		return run("sqlite3", database.toString(), ".timeout 10000", sql).strip();
	}

	/** Runs a script with the sqlite3 shell as a user pipes one in: without -bail, it goes on after an error. */
	private String sqlite3Script(Path database, String script) throws IOException, InterruptedException {
		Path file = Files.writeString(Files.createTempFile(this.cluster.dir(), "script", ".sql"), script);
		Process process = new ProcessBuilder("sqlite3", database.toString()).redirectErrorStream(true)
			.redirectInput(file.toFile())
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("sqlite3 finished").isTrue();
		return output;
	}

	private static String run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
		assertThat(process.exitValue()).as("%s exit code, output: %s", String.join(" ", command), output).isZero();
		return output;
	}

}
