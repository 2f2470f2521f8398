package io.harmonylite.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.harmonylite.nats.KvSchemaRegistry;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.SchemaConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling schema upgrade on three nodes: a mismatch pauses replication without losing anything, and replication
 * resumes by itself as soon as each node's schema catches up, live (sqlite3 CLI, JDBC) or across a restart.
 */
class SchemaVersioningIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withCluster(3);

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "schema");

	@Test
	void rollingUpgradeShouldPauseOnMismatchAndResumeAsEachNodeCatchesUp() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(3, "CREATE TABLE Books (id INTEGER PRIMARY KEY, "
				+ "title TEXT NOT NULL, author TEXT NOT NULL, publication_year INTEGER)");
		HarmonyLiteEngine one = start(1, dbs.get(0));
		HarmonyLiteEngine two = start(2, dbs.get(1));
		HarmonyLiteEngine three = start(3, dbs.get(2));
		String original = one.status().schema().hash();
		assertThat(two.status().schema().hash()).isEqualTo(original);
		assertThat(three.status().schema().hash()).isEqualTo(original);
		assertThat(cluster().consistent()).isTrue();

		// Node 1 is upgraded live with the sqlite3 CLI; its hash changes within about a second.
		sqlite3(dbs.get(0), "ALTER TABLE Books ADD COLUMN email TEXT");
		await().atMost(Duration.ofSeconds(10)).until(() -> !one.status().schema().hash().equals(original));
		String upgraded = one.status().schema().hash();
		assertThat(one.status().schema().previousHash()).isEqualTo(original);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(cluster().consistent()).isFalse());

		// A write on node 1 pauses nodes 2 and 3; nothing is applied there.
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune', 'Herbert', 1965, 'frank@example.com')");
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(two.status().state()).isEqualTo(NodeState.PAUSED_SCHEMA_MISMATCH);
			assertThat(three.status().state()).isEqualTo(NodeState.PAUSED_SCHEMA_MISMATCH);
		});
		assertThat(two.status().shards().get(0).pausedBy()).isEqualTo(upgraded);
		assertThat(dbs.get(1).count("Books")).isZero();
		// Node 1 still accepts changes from nodes that run the previous schema.
		dbs.get(1).execute("INSERT INTO Books VALUES (2, 'Emma', 'Austen', 1815)");
		await().atMost(TIMEOUT).until(() -> dbs.get(0).count("Books") == 2);

		// Node 2 is upgraded live through JDBC: it resumes at once (not after the 30 s redelivery delay).
		dbs.get(1).execute("ALTER TABLE Books ADD COLUMN email TEXT");
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			assertThat(dbs.get(1).rows("SELECT email FROM Books WHERE id = 1")).containsExactly("frank@example.com");
			assertThat(two.status().state()).isEqualTo(NodeState.RUNNING);
		});

		// Node 3 is stopped, upgraded and restarted.
		three.close();
		dbs.get(2).execute("ALTER TABLE Books ADD COLUMN email TEXT");
		HarmonyLiteEngine restarted = start(3, dbs.get(2));
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(2).rows("SELECT id, email FROM Books ORDER BY id")).containsExactly("1|frank@example.com",
					"2|null");
			assertThat(restarted.status().state()).isEqualTo(NodeState.RUNNING);
			assertThat(cluster().consistent()).isTrue();
		});
		assertThat(restarted.status().schema().hash()).isEqualTo(upgraded);
		assertThat(two.status().schema().pauses()).isEqualTo(1);
		assertThat(two.status().schema().resumes()).isEqualTo(1);
	}

	@Test
	void writesMadeRightAfterALiveDdlShouldReplicateTheNewColumnsAndTheNewTablesRows() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2,
				"CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT)");
		HarmonyLiteEngine one = start(1, dbs.get(0));
		start(2, dbs.get(1));
		dbs.get(0).execute("INSERT INTO kv VALUES (1, 'one'), (2, 'two')");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("kv") == 2);
		String original = one.status().schema().hash();
		sqlite3(dbs.get(1), "ALTER TABLE kv ADD COLUMN email TEXT; CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT)");
		// One script on node 1: the DDL, then writes before the node has noticed it (the old triggers still run).
		sqlite3(dbs.get(0), "ALTER TABLE kv ADD COLUMN email TEXT; CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT); "
				+ "UPDATE kv SET email = 'one@x' WHERE id = 1; INSERT INTO kv VALUES (3, 'three', 'three@x'); "
				+ "INSERT INTO audit VALUES (1, 'created')");
		await().atMost(Duration.ofSeconds(10)).until(() -> !one.status().schema().hash().equals(original));
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(1).rows("SELECT id, v, email FROM kv ORDER BY id")).containsExactly("1|one|one@x",
					"2|two|null", "3|three|three@x");
			assertThat(dbs.get(1).rows("SELECT id, what FROM audit")).containsExactly("1|created");
		});
	}

	@Test
	void migrationFailingAtTheApplicationsStartShouldPutCaptureBackSoThatOtherWritersAreStillReplicated()
			throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT)");
		start(1, dbs.get(0));
		start(2, dbs.get(1)).close();
		// The application restarts: its migration runs before the engine starts, fails, and the application stops.
		HarmonyLiteEngine restarting = HarmonyLiteEngine.builder(this.nodes.config(2, dbs.get(1))).build();
		restarting.beforeMigration();
		assertThat(triggers(dbs.get(1))).as("removed for the migration").isZero();
		restarting.afterMigration();
		assertThat(triggers(dbs.get(1))).as("put back at once").isEqualTo(3);

		// Another process keeps writing while the application is down; the node sends it once it runs again.
		sqlite3(dbs.get(1), "INSERT INTO kv VALUES (1, 'written while the application was down')");
		start(2, dbs.get(1));
		await().atMost(TIMEOUT).until(() -> dbs.get(0).count("kv") == 1);
	}

	@Test
	void migrationAtTheFirstStartShouldLeaveCaptureToTheEngineAsForANewNode() {
		TestDatabase db = this.nodes.databases(1, "CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT)").get(0);
		HarmonyLiteEngine first = HarmonyLiteEngine.builder(this.nodes.config(1, db)).build();
		first.beforeMigration();
		first.afterMigration();

		assertThat(triggers(db)).as("a database that never had capture still looks new to the engine").isZero();
	}

	private static long triggers(TestDatabase db) {
		return Long.parseLong(db.rows("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").get(0));
	}

	@Test
	void changesFromNodesOnThePreviousSchemaShouldApplyWithoutAColumnDroppedHere() {
		List<TestDatabase> dbs = this.nodes.databases(2,
				"CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT, isbn TEXT)");
		HarmonyLiteEngine upgraded = start(1, dbs.get(0));
		HarmonyLiteEngine old = start(2, dbs.get(1));
		// Node 1 drops a captured column the way the Flyway callback does it.
		migrate(upgraded, dbs.get(0), "ALTER TABLE Books DROP COLUMN isbn");
		assertThat(upgraded.status().schema().previousHash()).isEqualTo(old.status().schema().hash());
		dbs.get(1).execute("INSERT INTO Books VALUES (1, 'Dune', '978-0441013593')");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(0).rows("SELECT * FROM Books"))
			.containsExactly("1|Dune"));
		assertThat(upgraded.status().shards().get(0).deadLettered()).isZero();
	}

	@Test
	void rollingRenameOfAColumnShouldKeepTheValuesWrittenUnderTheOldNameMeanwhile() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2,
				"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT)");
		HarmonyLiteEngine renamed = start(1, dbs.get(0));
		HarmonyLiteEngine old = start(2, dbs.get(1));
		insertOneEverywhere(dbs);
		String original = renamed.status().schema().hash();

		// Node 1 renames the column while it runs; node 2, not yet upgraded, writes through the old name.
		sqlite3(dbs.get(0), "ALTER TABLE t RENAME COLUMN email TO mail");
		await().atMost(Duration.ofSeconds(10)).until(() -> !renamed.status().schema().hash().equals(original));
		dbs.get(1).execute("INSERT INTO t VALUES (2, 'two', 'two@x')");
		dbs.get(1).execute("UPDATE t SET email = 'one@y' WHERE id = 1");
		await().atMost(TIMEOUT).until(() -> old.status().pendingChanges() == 0);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(0).rows("SELECT id, name, mail FROM t ORDER BY id"))
			.containsExactly("1|one|one@y", "2|two|two@x"));

		// Node 2 renames too: both nodes hold the same rows, and go on replicating under the new name.
		sqlite3(dbs.get(1), "ALTER TABLE t RENAME COLUMN email TO mail");
		await().atMost(TIMEOUT).until(() -> old.status().schema().hash().equals(renamed.status().schema().hash()));
		dbs.get(1).execute("UPDATE t SET mail = 'two@z' WHERE id = 2");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(0).rows("SELECT id, name, mail FROM t ORDER BY id"))
			.containsExactly("1|one|one@y", "2|two|two@z"));
		assertThat(dbs.get(1).rows("SELECT id, name, mail FROM t ORDER BY id")).containsExactly("1|one|one@y",
				"2|two|two@z");
		assertThat(renamed.status().shards().get(0).deadLettered()).isZero();
	}

	@Test
	void changesCapturedBeforeAMigrationMadeWhileTheNodeWasStoppedShouldBeSentUnderItsNewColumns() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2,
				"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT, note TEXT)");
		HarmonyLiteEngine migrated = start(1, dbs.get(0));
		HarmonyLiteEngine other = start(2, dbs.get(1));
		dbs.get(0).execute("INSERT INTO t VALUES (1, 'one', 'one@x', 'n1')");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("t") == 1);

		// Node 1 is stopped; another process writes, renames a column (the capture triggers, which SQLite rewrote,
		// still record under the old layout), and writes again: all of it is sent after the restart, with the new hash.
		migrated.close();
		sqlite3(dbs.get(0), "INSERT INTO t VALUES (2, 'two', 'two@x', 'n2'); ALTER TABLE t RENAME COLUMN email TO mail; "
				+ "UPDATE t SET mail = 'one@y' WHERE id = 1");
		migrated = start(1, dbs.get(0));
		sqlite3(dbs.get(1), "ALTER TABLE t RENAME COLUMN email TO mail");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(1).rows("SELECT * FROM t ORDER BY id"))
			.containsExactly("1|one|one@y|n1", "2|two|two@x|n2"));

		// Again, dropping a column as rolling-upgrades.md says: a change written before is sent without its value.
		migrated.close();
		sqlite3(dbs.get(0), "INSERT INTO t VALUES (3, 'three', 'three@x', 'n3'); BEGIN; "
				+ "DROP TRIGGER \"__harmonylite__t__insert\"; DROP TRIGGER \"__harmonylite__t__update\"; "
				+ "DROP TRIGGER \"__harmonylite__t__delete\"; ALTER TABLE t DROP COLUMN note; COMMIT");
		HarmonyLiteEngine restarted = start(1, dbs.get(0));
		migrate(other, dbs.get(1), "ALTER TABLE t DROP COLUMN note");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(1).rows("SELECT * FROM t ORDER BY id"))
			.containsExactly("1|one|one@y", "2|two|two@x", "3|three|three@x"));
		assertThat(restarted.status().schema().hash()).isEqualTo(other.status().schema().hash());
		assertThat(other.status().shards().get(0).deadLettered()).isZero();
	}

	@Test
	void nodeStartedOnTheNewSchemaShouldApplyTheChangesOfTheSchemaTheOthersMigratedFrom() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2,
				"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, note TEXT)");
		HarmonyLiteEngine first = start(1, dbs.get(0));
		HarmonyLiteEngine second = start(2, dbs.get(1));
		dbs.get(0).execute("INSERT INTO t VALUES (1, 'one', 'n1')");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("t") == 1);
		// A rolling rename: node 2 writes under the old schema while node 1 runs the new one, then migrates too.
		migrate(first, dbs.get(0), "ALTER TABLE t RENAME COLUMN note TO remark");
		dbs.get(1).execute("INSERT INTO t VALUES (2, 'two', 'n2')");
		await().atMost(TIMEOUT).until(() -> second.status().pendingChanges() == 0);
		migrate(second, dbs.get(1), "ALTER TABLE t RENAME COLUMN note TO remark");
		await().atMost(TIMEOUT).until(() -> first.status().schema().hash().equals(second.status().schema().hash()));

		// A new node, created on the new schema, reads the streams from their start: changes of both schemas.
		TestDatabase third = this.nodes.database(3, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, remark TEXT)");
		HarmonyLiteEngine joined = start(3, third);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(third.rows("SELECT * FROM t ORDER BY id"))
			.containsExactly("1|one|n1", "2|two|n2"));
		assertThat(joined.status().state()).isEqualTo(NodeState.RUNNING);
		assertThat(joined.status().shards().get(0).deadLettered()).isZero();
	}

	@Test
	void renamedColumnShouldKeepTheVersionsItsValuesWereWrittenAt() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2,
				"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT)");
		HarmonyLiteEngine renamed = start(1, dbs.get(0));
		HarmonyLiteEngine old = start(2, dbs.get(1));
		insertOneEverywhere(dbs);
		// Node 2 stops; a writer there changes the email, then node 1 changes it later: node 1's value is the newer.
		old.close();
		sqlite3(dbs.get(1), "UPDATE t SET email = 'older@2' WHERE id = 1");
		long written = System.currentTimeMillis();
		await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > written + 5);
		dbs.get(0).execute("UPDATE t SET email = 'newer@1' WHERE id = 1");
		await().atMost(TIMEOUT).until(() -> renamed.status().pendingChanges() == 0);
		String original = renamed.status().schema().hash();
		sqlite3(dbs.get(0), "ALTER TABLE t RENAME COLUMN email TO mail");
		await().atMost(Duration.ofSeconds(10)).until(() -> !renamed.status().schema().hash().equals(original));

		// Node 2 comes back on the old schema: its older change reaches node 1 after the rename, and loses there too.
		HarmonyLiteEngine back = start(2, dbs.get(1));
		await().atMost(TIMEOUT).until(() -> back.status().pendingChanges() == 0);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).rows("SELECT email FROM t").equals(List.of("newer@1")));
		await().atMost(TIMEOUT).until(() -> renamed.status().counters().superseded() > 0);
		assertThat(dbs.get(0).rows("SELECT mail FROM t")).containsExactly("newer@1");
	}

	@Test
	void changesFromTheClusterShouldWaitUntilAMigrationHereHasFinished() {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine migrating = start(1, dbs.get(0));
		HarmonyLiteEngine other = start(2, dbs.get(1));
		migrating.beforeMigration();
		dbs.get(1).execute("INSERT INTO Books VALUES (1, 'Dune')");
		await().atMost(TIMEOUT).until(() -> other.status().pendingChanges() == 0);
		// A migration tool may read, then write, or rebuild a table in several steps: nothing may land in between.
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
			.until(() -> dbs.get(0).rows("SELECT * FROM Books").isEmpty());

		migrating.afterMigration();

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dbs.get(0).rows("SELECT * FROM Books"))
			.containsExactly("1|Dune"));
	}

	@Test
	void tableWithoutPrimaryKeyCreatedWhileRunningShouldBeReportedAndLeaveEveryOtherTableReplicating()
			throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine one = start(1, dbs.get(0));
		HarmonyLiteEngine two = start(2, dbs.get(1));
		for (TestDatabase db : dbs) {
			sqlite3(db, "CREATE TABLE scratch (x TEXT); ALTER TABLE Books ADD COLUMN author TEXT; "
					+ "CREATE TABLE Notes (id INTEGER PRIMARY KEY, body TEXT)");
		}
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(one.status().schema().hash()).isEqualTo(two.status().schema().hash());
			assertThat(one.status().watchedTables()).containsExactly("Books", "Notes");
			assertThat(one.status().problems()).singleElement().satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.TABLES_NOT_CAPTURED);
				assertThat(problem.reason()).contains("'scratch' has no primary key");
			});
			assertThat(one.status().state()).isEqualTo(NodeState.DEGRADED);
		});
		sqlite3(dbs.get(0), "INSERT INTO Books VALUES (1, 'Dune', 'Herbert'); INSERT INTO Notes VALUES (1, 'new')");
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(1).rows("SELECT * FROM Books")).containsExactly("1|Dune|Herbert");
			assertThat(dbs.get(1).rows("SELECT * FROM Notes")).containsExactly("1|new");
		});
		sqlite3(dbs.get(0), "DROP TABLE scratch");
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(one.status().problems()).isEmpty();
			assertThat(one.status().state()).isEqualTo(NodeState.RUNNING);
		});
	}

	@Test
	void changesOfANodeThatRanWithAnotherTableListShouldBeAppliedOnceItsListIsFixed() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(3, "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)",
				"CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT)");
		HarmonyLiteEngine one = this.nodes.start(1, dbs.get(0), (builder) -> builder.schema(TestNodes.QUICK_SCHEMA));
		HarmonyLiteEngine two = this.nodes.start(2, dbs.get(1), (builder) -> builder.schema(TestNodes.QUICK_SCHEMA));
		// Node 3 is started by mistake with harmonylite.tables=a: its schema hash differs, so the others pause on it.
		HarmonyLiteEngine wrong = this.nodes.start(3, dbs.get(2),
				(builder) -> builder.schema(TestNodes.QUICK_SCHEMA).tables(List.of("a")));
		dbs.get(2).execute("INSERT INTO a VALUES (1, 'written while node 3 watched a only')");
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(one.status().state()).isEqualTo(NodeState.PAUSED_SCHEMA_MISMATCH);
			assertThat(two.status().state()).isEqualTo(NodeState.PAUSED_SCHEMA_MISMATCH);
		});

		// Fixed: its hash is the others' again, the wrong one only its previous. No node will ever have it again.
		wrong.close();
		this.nodes.start(3, dbs.get(2), (builder) -> builder.schema(TestNodes.QUICK_SCHEMA));

		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(0).rows("SELECT v FROM a")).containsExactly("written while node 3 watched a only");
			assertThat(dbs.get(1).rows("SELECT v FROM a")).containsExactly("written while node 3 watched a only");
			assertThat(one.status().state()).isEqualTo(NodeState.RUNNING);
			assertThat(two.status().state()).isEqualTo(NodeState.RUNNING);
		});
		dbs.get(0).execute("INSERT INTO b VALUES (1, 'after the fix')");
		await().atMost(TIMEOUT).until(() -> dbs.stream().allMatch((db) -> db.count("b") == 1));
	}

	private ClusterSchemaView cluster() throws Exception {
		try (Connection connection = Nats.connect(nats.urls().get(0))) {
			return new ClusterSchemaView(new KvSchemaRegistry(connection).nodes().stream()
				.filter((node) -> this.nodes.engines().stream().anyMatch((e) -> e.isRunning() && e.config().nodeId() == node.nodeId()))
				.toList());
		}
	}

	/** Inserts row 1 of table t on the first node and waits until the second has it. */
	private static void insertOneEverywhere(List<TestDatabase> dbs) {
		dbs.get(0).execute("INSERT INTO t VALUES (1, 'one', 'one@x')");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("t") == 1);
	}

	/** A migration as the starter's Flyway and Liquibase integrations make it on a running node. */
	private static void migrate(HarmonyLiteEngine engine, TestDatabase db, String ddl) {
		engine.beforeMigration();
		db.execute(ddl);
		engine.afterMigration();
	}

	private HarmonyLiteEngine start(int nodeId, TestDatabase db) {
		return this.nodes.start(nodeId, db, (builder) -> builder
			.schema(new SchemaConfig(Duration.ofMillis(200), Duration.ofMinutes(5), Duration.ofSeconds(30))));
	}

	private static void sqlite3(TestDatabase db, String sql) throws Exception {
		Process cli = new ProcessBuilder("sqlite3", db.path().toString(), "PRAGMA busy_timeout=10000; " + sql + ";")
			.redirectErrorStream(true)
			.start();
		assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(cli.exitValue()).as(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
	}

}
