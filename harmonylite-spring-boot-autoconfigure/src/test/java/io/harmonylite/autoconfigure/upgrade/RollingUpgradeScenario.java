package io.harmonylite.autoconfigure.upgrade;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.NodeState;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.testsupport.NatsTestServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling upgrade driven by a migration tool, run by a subclass per tool: three applications with the starter run
 * release 1 (a Books table); node 1 is upgraded to release 2, whose migrations add a column and drop a captured one.
 * Its schema hash changes, the other two nodes pause on its writes, and once they are upgraded too (node 2 by a
 * restart, node 3 live, by a migration in the running application) everything converges. The tool's own tables are
 * never replicated.
 */
abstract class RollingUpgradeScenario {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static NatsTestServer nats;

	@TempDir
	Path dir;

	private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

	@BeforeAll
	static void startNats() {
		nats = NatsTestServer.start();
	}

	@AfterAll
	static void stopNats() {
		if (nats != null) {
			nats.close();
		}
	}

	@AfterEach
	void stopApps() {
		this.apps.forEach(ConfigurableApplicationContext::close);
	}

	/**
	 * The arguments that make an application migrate to the given release at startup with the tool, and keep the
	 * other tool off.
	 * @param release 1 or 2
	 * @return the arguments
	 */
	abstract List<String> migrateAtStartup(int release);

	/**
	 * Migrates a running application to release 2, as an application would at run time with the tool.
	 * @param app the running application
	 */
	abstract void migrateLiveToRelease2(ConfigurableApplicationContext app);

	/**
	 * The migration version a node reports after the given release's migrations.
	 * @param release 1 or 2
	 * @return e.g. {@code flyway:3}
	 */
	abstract String migrationVersion(int release);

	/**
	 * The migrations the tool recorded as run in its own table, in order.
	 * @param db the node's database
	 * @return the ids or versions of the migrations
	 */
	abstract List<String> migrationsRun(TestDatabase db);

	@Test
	void migrationsShouldTakeTheClusterThroughARollingUpgrade() {
		ConfigurableApplicationContext node1 = start(1, 1);
		ConfigurableApplicationContext node2 = start(2, 1);
		ConfigurableApplicationContext node3 = start(3, 1);
		TestDatabase db1 = database(1);
		TestDatabase db2 = database(2);
		TestDatabase db3 = database(3);
		String release1Hash = hash(node1);
		assertThat(hash(node2)).isEqualTo(release1Hash);
		assertThat(hash(node3)).isEqualTo(release1Hash);
		assertThat(engine(node1).status().watchedTables()).containsExactly("Books");

		db2.execute("INSERT INTO Books (id, title, author, isbn) VALUES (1, 'Dune', 'Frank Herbert', '978-0441013593')");
		awaitRows("1|Dune", db1, db3);

		// Release 2 on node 1: the tool adds email and drops isbn before the engine starts.
		node1.close();
		node1 = start(1, 2);
		assertThat(columns(db1)).containsExactly("id", "title", "author", "email");
		EngineStatus upgraded = engine(node1).status();
		assertThat(upgraded.schema().hash()).isNotEqualTo(release1Hash);
		assertThat(upgraded.schema().previousHash()).isEqualTo(release1Hash);
		assertThat(upgraded.state()).isEqualTo(NodeState.RUNNING);
		// The schema view maps the hashes to the migrations and tells what differs.
		ConfigurableApplicationContext migrated = node1;
		await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
			ClusterSchemaView cluster = engine(migrated).clusterSchema();
			assertThat(cluster.consistent()).isFalse();
			assertThat(cluster.nodes()).extracting(NodeSchemaState::migrationVersion)
				.containsExactly(migrationVersion(2), migrationVersion(1), migrationVersion(1));
			assertThat(cluster.differences()).singleElement()
				.satisfies((difference) -> assertThat(difference.tables()).containsExactly(
						new ClusterSchemaView.TableDifference("Books", List.of("email TEXT"), List.of("isbn TEXT"))));
		});

		db1.execute("INSERT INTO Books (id, title, author, email) VALUES (2, 'Emma', 'Jane Austen', 'ja@example.org')");
		for (ConfigurableApplicationContext old : List.of(node2, node3)) {
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(engine(old).status().state()).isEqualTo(NodeState.PAUSED_SCHEMA_MISMATCH);
				assertThat(pausedGauge(old)).isOne();
			});
		}
		assertThat(db2.rows("SELECT id FROM Books ORDER BY id")).containsExactly("1");
		assertThat(db3.rows("SELECT id FROM Books ORDER BY id")).containsExactly("1");
		awaitRows("1|Dune,2|Emma", db1);

		// Release 2 on node 2, by a restart: it applies the queued row at once.
		node2.close();
		node2 = start(2, 2);
		awaitRows("1|Dune,2|Emma", db2);
		assertThat(hash(node2)).isEqualTo(hash(node1));

		// Release 2 on node 3, live, with the HarmonyLite integration of the tool. The paused shard is redelivered
		// at once, not after the nak delay (5 minutes here).
		ConfigurableApplicationContext live = node3;
		migrateLiveToRelease2(live);
		assertThat(columns(db3)).containsExactly("id", "title", "author", "email");
		awaitRows("1|Dune,2|Emma", db3);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(engine(live).status().state()).isEqualTo(NodeState.RUNNING);
			assertThat(pausedGauge(live)).isZero();
		});
		assertThat(engine(live).status().schema().resumes()).isPositive();

		// Converged: one hash everywhere, new writes replicate both ways with the new column.
		db2.execute("INSERT INTO Books (id, title, author, email) VALUES (3, 'Ulysses', 'James Joyce', 'jj@example.org')");
		db3.execute("UPDATE Books SET email = 'fh@example.org' WHERE id = 1");
		List<String> expected = List.of("1|Dune|Frank Herbert|fh@example.org", "2|Emma|Jane Austen|ja@example.org",
				"3|Ulysses|James Joyce|jj@example.org");
		List<String> history = migrationsRun(db1);
		assertThat(history).hasSize(3);
		for (TestDatabase db : List.of(db1, db2, db3)) {
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(db.rows("SELECT id, title, author, email FROM Books ORDER BY id"))
					.isEqualTo(expected));
			// Each node ran its migrations itself; nothing of the tool's history was replicated.
			assertThat(migrationsRun(db)).isEqualTo(history);
		}
		ConfigurableApplicationContext first = node1;
		await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
			ClusterSchemaView cluster = engine(first).clusterSchema();
			assertThat(cluster.nodeCount()).isEqualTo(3);
			assertThat(cluster.consistent()).isTrue();
			assertThat(cluster.commonHash()).contains(hash(first));
		});
		for (ConfigurableApplicationContext app : List.of(node1, node2, live)) {
			// A shard restarted by the stall watch on a loaded machine says DEGRADED until its next check sees it move.
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(engine(app).status().state()).isEqualTo(NodeState.RUNNING));
			assertThat(engine(app).status().watchedTables()).containsExactly("Books");
		}
	}

	private ConfigurableApplicationContext start(int node, int release) {
		Path db = this.dir.resolve("node-" + node + ".db");
		String prefix = getClass().getSimpleName().toLowerCase() + "-" + ProcessHandle.current().pid();
		List<String> args = new ArrayList<>(List.of("--spring.config.name=rolling-upgrade",
				"--spring.application.name=node-" + node,
				"--spring.datasource.url=jdbc:sqlite:" + db + "?journal_mode=WAL&busy_timeout=30000",
				"--harmonylite.node-id=" + node, "--harmonylite.nats.urls=" + nats.url(),
				"--harmonylite.polling-interval=20ms", "--harmonylite.replication.stream-prefix=" + prefix,
				"--harmonylite.replication.subject-prefix=" + prefix + "-subject", "--harmonylite.schema.nak-delay=5m"));
		args.addAll(migrateAtStartup(release));
		ConfigurableApplicationContext app = new SpringApplicationBuilder(ReleaseApplication.class)
			.web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
		this.apps.add(app);
		return app;
	}

	private TestDatabase database(int node) {
		return new TestDatabase(this.dir.resolve("node-" + node + ".db"));
	}

	private static HarmonyLiteEngine engine(ConfigurableApplicationContext app) {
		return app.getBean(HarmonyLiteEngine.class);
	}

	private static String hash(ConfigurableApplicationContext app) {
		return engine(app).status().schema().hash();
	}

	private static double pausedGauge(ConfigurableApplicationContext app) {
		return app.getBean(MeterRegistry.class).get("harmonylite.schema.mismatch.paused").gauge().value();
	}

	private static List<String> columns(TestDatabase db) {
		return db.rows("SELECT name FROM pragma_table_info('Books') ORDER BY cid");
	}

	private static void awaitRows(String idsAndTitles, TestDatabase... dbs) {
		List<String> expected = List.of(idsAndTitles.split(","));
		for (TestDatabase db : dbs) {
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(db.rows("SELECT id, title FROM Books ORDER BY id")).isEqualTo(expected));
		}
	}

	/**
	 * An application with the starter and the migration tools, and nothing else: no application.yml, so that no
	 * setting (such as an ignore-tables list) helps the test.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ReleaseApplication {

	}

}
