package io.harmonylite.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.snapshot.SnapshotRefusedException;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters re-applied after the operator fixed their cause, on a real node and nats-server: through the conflict
 * rule (an older version never overwrites a newer one), filtered by table, each at most once (also after the node
 * stopped, from the database alone), and those that still fail reported and left in the dead-letter stream.
 */
class DeadLetterReapplyIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "r");

	@Test
	void deadLettersShouldBeReappliedAfterTheFixOnceEachByTheMergeRuleAndThoseStillFailingReported()
			throws Exception {
		TestDatabase db = this.nodes.database(1, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)",
				"CREATE TABLE Notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
				"INSERT INTO Books VALUES (1, 'Dune')");
		HarmonyLiteEngine node = this.nodes.start(1, db, (builder) -> builder.schema(TestNodes.QUICK_SCHEMA));
		String hash = node.status().schema().hash();
		long old = System.currentTimeMillis() - 60_000;
		try (Connection connection = Nats.connect(nats.url())) {
			// Sent by a node that already has column isbn: dead-lettered here.
			this.nodes.publish(connection, change("Books", Operation.INSERT, hash,
					Version.hlcOf(System.currentTimeMillis()), row("id", 5L, "title", "Emma", "isbn", "978-0")));
			// Older than what this node writes next.
			this.nodes.publish(connection, change("Books", Operation.UPDATE, hash, Version.hlcOf(old),
					row("id", 1L, "title", "Old title", "isbn", "old")));
			this.nodes.publish(connection, change("Notes", Operation.INSERT, hash,
					Version.hlcOf(System.currentTimeMillis()), row("id", 1L, "body", null)));
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(node.status().counters().deadLetters()).isEqualTo(3));
		}
		db.execute("UPDATE Books SET title = 'Dune Messiah' WHERE id = 1");
		await().atMost(TIMEOUT).until(() -> node.status().pendingChanges() == 0);

		List<DeadLetterEntry> letters = node.deadLetters().list(DeadLetterFilter.ALL);
		assertThat(letters).extracting(DeadLetterEntry::table).containsExactly("Books", "Books", "Notes");
		assertThat(letters).extracting(DeadLetterEntry::originSequence).containsExactly(1L, 2L, 3L);
		assertThat(letters).noneMatch(DeadLetterEntry::reapplied);
		assertThat(letters.get(0).reason()).contains("isbn");

		// The fix: this node gets the column.
		db.execute("ALTER TABLE Books ADD COLUMN isbn TEXT");
		ReapplyReport books = node.deadLetters().reapply(new DeadLetterFilter("Books", 1, Long.MAX_VALUE));

		assertThat(books.reapplied()).extracting(DeadLetterEntry::originSequence).containsExactly(1L, 2L);
		assertThat(books.stillFailing()).isEmpty();
		assertThat(db.rows("SELECT id, title, isbn FROM Books ORDER BY id")).containsExactly("1|Dune Messiah|null",
				"5|Emma|978-0");

		ReapplyReport all = node.deadLetters().reapply(DeadLetterFilter.ALL);
		assertThat(all.reapplied()).isEmpty();
		assertThat(all.alreadyReapplied()).extracting(DeadLetterEntry::originSequence).containsExactly(1L, 2L);
		assertThat(all.stillFailing()).singleElement().satisfies((failure) -> {
			assertThat(failure.letter().table()).isEqualTo("Notes");
			assertThat(failure.reason()).contains("NOT NULL");
		});

		// A stopped node answers from its database: nothing is applied twice, the rest still fails.
		db.execute("UPDATE Books SET isbn = 'local' WHERE id = 5");
		node.close();
		ReapplyReport offline = node.deadLetters().reapply(DeadLetterFilter.ALL);
		assertThat(offline.alreadyReapplied()).hasSize(2);
		assertThat(offline.stillFailing()).hasSize(1);
		assertThat(db.rows("SELECT isbn FROM Books WHERE id = 5")).containsExactly("local");
		assertThat(node.deadLetters().list(new DeadLetterFilter(null, 3, 3))).singleElement()
			.satisfies((letter) -> assertThat(letter.reapplied()).isFalse());
	}

	@Test
	void changesRefusedHereShouldKeepTheNodeDegradedAlsoAcrossARestartUntilReapplied() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2,
				"CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
		// One bad row: node 2 alone refuses long titles, by a trigger of its own (not part of the schema hash).
		dbs.get(1).execute("CREATE TRIGGER short_titles BEFORE INSERT ON Books WHEN length(NEW.title) > 10 "
				+ "BEGIN SELECT RAISE(ABORT, 'title too long'); END");
		HarmonyLiteEngine one = this.nodes.start(1, dbs.get(0));
		HarmonyLiteEngine two = this.nodes.start(2, dbs.get(1));
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'A very long title')");
		dbs.get(0).execute("INSERT INTO Books VALUES (2, 'Emma')");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).rows("SELECT title FROM Books").contains("Emma"));
		assertThat(dbs.get(1).rows("SELECT id FROM Books")).containsExactly("2");

		await().atMost(TIMEOUT).untilAsserted(() -> assertLacksOneChange(two));
		assertThat(one.status().problems(ProblemKind.CHANGES_DEAD_LETTERED)).isEmpty();
		// Its copy would miss the change while its positions say it holds it: a node restoring it would lose it. The
		// node is found inconsistent before any copy is made (which also gives the snapshot lease up), not only by the
		// check of the copy.
		assertThatExceptionOfType(SnapshotRefusedException.class).isThrownBy(() -> two.snapshots().take())
			.withMessageContaining("dead-lettered")
			.withMessageContaining("tried again at the next harmonylite.snapshot.interval");

		// The counters start again at a restart; what the node lacks does not.
		two.close();
		HarmonyLiteEngine restarted = this.nodes.start(2, dbs.get(1));
		assertThat(restarted.status().counters().deadLetters()).isZero();
		assertLacksOneChange(restarted);

		dbs.get(1).execute("DROP TRIGGER short_titles");
		ReapplyReport report = restarted.deadLetters().reapply(DeadLetterFilter.ALL);
		assertThat(report.reapplied()).singleElement().satisfies((letter) -> assertThat(letter.table()).isEqualTo("Books"));
		assertThat(dbs.get(1).rows("SELECT id, title FROM Books ORDER BY id")).containsExactly("1|A very long title",
				"2|Emma");
		assertThat(restarted.status().problems(ProblemKind.CHANGES_DEAD_LETTERED)).isEmpty();
		await().atMost(TIMEOUT).until(() -> restarted.status().state() == NodeState.RUNNING);
		assertThat(restarted.snapshots().take().rowCounts()).containsEntry("Books", 2L);
	}

	@Test
	void letterOfASchemaHashNoNodeRunsAnyMoreShouldBeReappliedWhereItFits() throws Exception {
		// Two schema changes later, a letter's hash is neither this node's current nor its previous one; once every
		// node runs this node's schema, the operator's re-apply writes it where it fits, as for a hash the cluster left.
		TestDatabase db = this.nodes.database(1, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
		HarmonyLiteEngine node = this.nodes.start(1, db, (builder) -> builder.schema(TestNodes.QUICK_SCHEMA));
		String gone = "e".repeat(64);
		long now = System.currentTimeMillis();
		try (Connection connection = Nats.connect(nats.url())) {
			this.nodes.publish(connection, change("Books", Operation.INSERT, gone, Version.hlcOf(now),
					row("id", 7L, "title", "of an old schema")));
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(node.status().counters().deadLetters()).isEqualTo(1));
		}

		ReapplyReport report = node.deadLetters().reapply(DeadLetterFilter.ALL);

		assertThat(report.stillFailing()).isEmpty();
		assertThat(report.reapplied()).singleElement().satisfies((letter) -> assertThat(letter.schemaHash()).isEqualTo(gone));
		assertThat(db.rows("SELECT id, title FROM Books")).containsExactly("7|of an old schema");
	}

	@Test
	void letterOfSeveralTablesShouldBeReappliedWholeByTheFilterOfEitherTable() throws Exception {
		TestDatabase db = this.nodes.database(1, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)",
				"CREATE TABLE Notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
		HarmonyLiteEngine node = this.nodes.start(1, db, (builder) -> builder.schema(TestNodes.QUICK_SCHEMA));
		String gone = "d".repeat(64);
		long now = System.currentTimeMillis();
		ChangeEventCodec codec = new ChangeEventCodec(false);
		try (Connection connection = Nats.connect(nats.url())) {
			// One transaction of a node whose schema nobody runs any more, writing both tables: one letter.
			connection.jetStream().publish(this.nodes.replication().subject(0), codec.encodeAll(List.of(
					codec.encodeBody(change("Books", Operation.INSERT, gone, Version.hlcOf(now), row("id", 1L, "title",
							"Emma")), gone),
					codec.encodeBody(change("Notes", Operation.INSERT, gone, Version.hlcOf(now) + 1, row("id", 1L,
							"body", "about Emma")), gone))));
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(node.status().counters().deadLetters()).isEqualTo(1));
		}
		assertThat(node.deadLetters().list(new DeadLetterFilter("Notes", 1, Long.MAX_VALUE))).singleElement()
			.satisfies((letter) -> assertThat(letter.changes()).isEqualTo(2));

		ReapplyReport report = node.deadLetters().reapply(new DeadLetterFilter("Notes", 1, Long.MAX_VALUE));

		assertThat(report.reapplied()).hasSize(1);
		assertThat(db.rows("SELECT title FROM Books")).containsExactly("Emma");
		assertThat(db.rows("SELECT body FROM Notes")).containsExactly("about Emma");
	}

	private static void assertLacksOneChange(HarmonyLiteEngine node) {
		EngineStatus status = node.status();
		assertThat(status.state()).isEqualTo(NodeState.DEGRADED);
		assertThat(status.problems(ProblemKind.CHANGES_DEAD_LETTERED)).singleElement().satisfies((problem) -> {
			assertThat(problem.subject()).isEqualTo("table Books");
			assertThat(problem.reason()).contains("1 change(s)", "title too long", "re-apply",
					"DELETE FROM __harmonylite__dead_lettered WHERE tbl = 'Books'");
		});
	}

	private static ChangeEvent change(String table, Operation operation, String hash, long hlc,
			Map<String, @Nullable Object> row) {
		long now = System.currentTimeMillis();
		return new ChangeEvent(9, now, table, operation, row, List.of("id"), now, hash, hlc, null);
	}


}
