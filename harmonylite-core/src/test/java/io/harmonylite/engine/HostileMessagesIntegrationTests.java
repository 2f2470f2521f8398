package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.nats.KvSchemaRegistry;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and impossible changes published straight to a shard stream of two real nodes: each is dead-lettered on
 * every node, counted, and the changes behind it in the same shard still apply.
 */
class HostileMessagesIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String BOOKS = "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
			+ "author TEXT NOT NULL, publication_year INTEGER)";

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "h");

	@Test
	void notNullAndWrongKeyTypeShouldBeDeadLetteredOnEveryNodeAndLaterChangesOfTheShardApplied() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), UnaryOperator.identity());
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune', 'Herbert', 1965)");
		await().atMost(TIMEOUT).until(() -> first.status().pendingChanges() == 0);
		String hash = first.status().schema().hash();
		try (Connection connection = Nats.connect(nats.url())) {
			this.nodes.publish(connection, change("Books", Operation.UPDATE, hash,
					row("id", 1L, "title", null, "author", "Herbert", "publication_year", 1965L)));
			this.nodes.publish(connection, change("Books", Operation.INSERT, hash,
					row("id", "not a number", "title", "Ghost", "author", "Nobody", "publication_year", 1L)));
			dbs.get(0).execute("INSERT INTO Books VALUES (2, 'Emma', 'Austen', 1815)");
			// Node 2 starts late, so it receives all four messages in one batch.
			await().atMost(TIMEOUT).until(() -> first.status().pendingChanges() == 0);
			startNode(2, dbs.get(1), UnaryOperator.identity());
			for (TestDatabase db : dbs) {
				await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows("SELECT * FROM Books ORDER BY id"))
					.containsExactly("1|Dune|Herbert|1965", "2|Emma|Austen|1815"));
			}
			for (HarmonyLiteEngine engine : this.nodes.engines()) {
				await().atMost(TIMEOUT).untilAsserted(() -> {
					EngineStatus status = engine.status();
					assertThat(status.shards().get(0).deadLettered()).isEqualTo(2);
					assertThat(status.shards().get(0).appliedSequence()).isEqualTo(4);
					assertThat(status.counters().deadLetters()).isEqualTo(2);
				});
			}
			Map<String, String> reasons = this.nodes.deadLetterReasons(connection, 4);
			assertThat(reasons).containsOnlyKeys("1/2", "1/3", "2/2", "2/3");
			assertThat(reasons.get("1/2")).contains("SQLITE_CONSTRAINT_NOTNULL").contains("Books.title");
			assertThat(reasons.get("2/2")).contains("SQLITE_CONSTRAINT_NOTNULL");
			assertThat(reasons.get("1/3")).contains("SQLITE_MISMATCH");
			assertThat(reasons.get("2/3")).contains("SQLITE_MISMATCH");
		}
	}

	@Test
	void changeOfATableNoNodeReplicatesShouldBeDeadLetteredAndNeverWritten() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS,
				"CREATE TABLE Secrets (id INTEGER PRIMARY KEY, secret TEXT)");
		UnaryOperator<HarmonyLiteConfig.Builder> ignoreSecrets = (builder) -> builder.ignoreTables(List.of("Secrets"));
		HarmonyLiteEngine first = startNode(1, dbs.get(0), ignoreSecrets);
		startNode(2, dbs.get(1), ignoreSecrets);
		String hash = first.status().schema().hash();
		try (Connection connection = Nats.connect(nats.url())) {
			this.nodes.publish(connection,
					change("Secrets", Operation.INSERT, hash, row("id", 1L, "secret", "stolen")));
			dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune', 'Herbert', 1965)");
			for (TestDatabase db : dbs) {
				await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows("SELECT title FROM Books"))
					.containsExactly("Dune"));
			}
			for (HarmonyLiteEngine engine : this.nodes.engines()) {
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(engine.status().counters().deadLetters()).isEqualTo(1));
				assertThat(engine.status().shards().get(0).deadLettered()).isEqualTo(1);
				assertThat(engine.status().counters().appliedByTable()).doesNotContainKey("Secrets");
			}
			Map<String, String> reasons = this.nodes.deadLetterReasons(connection, 2);
			assertThat(reasons).containsOnlyKeys("1/1", "2/1");
			assertThat(reasons.values()).allMatch((reason) -> reason.contains("'Secrets' is not replicated by this node"));
			for (TestDatabase db : dbs) {
				assertThat(db.count("Secrets")).isZero();
			}
		}
	}

	@Test
	void hashNoNodeEverReportedShouldBeQuarantinedAfterTheDelayAndTheShardGoOn() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, BOOKS);
		HarmonyLiteEngine first = startNode(1, dbs.get(0), UnaryOperator.identity());
		startNode(2, dbs.get(1), UnaryOperator.identity());
		try (Connection connection = Nats.connect(nats.url())) {
			this.nodes.publish(connection, change("Books", Operation.INSERT, "f".repeat(64),
					row("id", 9L, "title", "Forged", "author", "Nobody", "publication_year", 1L)));
			dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune', 'Herbert', 1965)");
			for (HarmonyLiteEngine engine : this.nodes.engines()) {
				// First the shard waits (the hash might belong to a node not seen yet), and says so.
				await().atMost(TIMEOUT).untilAsserted(() -> assertThat(engine.blockedMessages()).containsKey(0));
				BlockedMessage blocked = engine.blockedMessages().get(0);
				assertThat(blocked.sequence()).isEqualTo(1);
				assertThat(blocked.table()).isEqualTo("Books");
				assertThat(blocked.key()).containsEntry("id", 9L);
				assertThat(blocked.schemaHash()).isEqualTo("f".repeat(64));
				assertThat(blocked.reason()).containsAnyOf("no node in the schema registry has ever reported",
						"was not in the schema registry when this node last read it");
			}
			for (TestDatabase db : dbs) {
				await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows("SELECT id, title FROM Books"))
					.containsExactly("1|Dune"));
			}
			for (HarmonyLiteEngine engine : this.nodes.engines()) {
				await().atMost(TIMEOUT).untilAsserted(() -> {
					EngineStatus status = engine.status();
					assertThat(status.counters().quarantinedUnknownHash()).isEqualTo(1);
					assertThat(status.counters().deadLetters()).isEqualTo(1);
					assertThat(status.shards().get(0).paused()).isFalse();
					assertThat(engine.blockedMessages()).isEmpty();
				});
			}
			Map<String, String> reasons = this.nodes.deadLetterReasons(connection, 2);
			assertThat(reasons).containsOnlyKeys("1/1", "2/1");
			assertThat(reasons.values()).allMatch((reason) -> reason.startsWith("quarantined: no node"));
			assertThat(first.status().schema().pauses()).isEqualTo(1);
		}
	}

	@Test
	void hashOfANodeThatLeftShouldKeepTheShardWaitingUntilAnOperatorSkipsTheMessage() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(1, BOOKS);
		HarmonyLiteEngine node = startNode(1, dbs.get(0), UnaryOperator.identity());
		String upgraded = "e".repeat(64);
		try (Connection connection = Nats.connect(nats.url())) {
			// A node upgraded to another schema, reported its hash, and left.
			KvSchemaRegistry registry = new KvSchemaRegistry(connection);
			registry.publish(new NodeSchemaState(77, upgraded, node.status().schema().hash(), "v0.1.0",
					List.of("Books"), Instant.now()));
			registry.remove(77, Duration.ofSeconds(10));
			this.nodes.publish(connection, change("Books", Operation.INSERT, upgraded,
					row("id", 5L, "title", "From the future", "author", "X", "publication_year", 2030L)));
			dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune', 'Herbert', 1965)");
			// Judged again at each redelivery, once the registry was read after the message came.
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node.blockedMessages().get(0))
				.isNotNull()
				.satisfies((blocked) -> assertThat(blocked.reason()).contains("no node of the schema registry reports it now", "the shard action skip")));
			// Well past the quarantine delay, the shard still waits: the hash is known.
			await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(node.status().counters().quarantinedUnknownHash()).isZero();
				assertThat(dbs.get(0).count("Books")).isEqualTo(1);
				assertThat(node.status().shards().get(0).paused()).isTrue();
			});

			assertThat(node.skipBlockedMessage(0)).hasValueSatisfying((skipped) -> {
				assertThat(skipped.sequence()).isEqualTo(1);
				assertThat(skipped.schemaHash()).isEqualTo(upgraded);
			});
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(node.status().shards().get(0).appliedSequence()).isEqualTo(2);
				assertThat(node.status().shards().get(0).paused()).isFalse();
			});
			assertThat(dbs.get(0).rows("SELECT id FROM Books")).containsExactly("1");
			assertThat(node.skipBlockedMessage(0)).isEmpty();
			assertThat(this.nodes.deadLetterReasons(connection, 1).get("1/1")).startsWith("skipped by an operator");
		}
	}

	private static ChangeEvent change(String table, Operation operation, String hash,
			Map<String, @Nullable Object> row) {
		long now = System.currentTimeMillis();
		return new ChangeEvent(9, now, table, operation, row, List.of("id"), now, hash, Version.hlcOf(now), null);
	}


	private HarmonyLiteEngine startNode(int nodeId, TestDatabase db,
			UnaryOperator<HarmonyLiteConfig.Builder> customizer) {
		return this.nodes.start(nodeId, db, (builder) -> customizer.apply(builder.schema(TestNodes.QUICK_SCHEMA)));
	}

}
