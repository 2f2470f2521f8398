package io.harmonylite.apply;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.ApplyMarker;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteConfig;

import static io.harmonylite.apply.TestDatabase.change;
import static io.harmonylite.apply.TestDatabase.upsert;
import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChangeApplierTests {

	private static final String STREAM = "harmonylite-changes-1";

	@TempDir
	Path directory;

	private TestDatabase database;

	private ChangeApplier applier;

	@BeforeEach
	void open() {
		this.database = new TestDatabase(this.directory);
		this.applier = ChangeApplier.open(this.database.file());
	}

	@AfterEach
	void close() throws SQLException {
		this.applier.close();
		this.database.close();
	}

	@Test
	void applyShouldRoundTripEveryStorageClassExactly() {
		this.database.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, a, b, c, d, e, f, g)");
		byte[] big = new byte[5 * 1024 * 1024];
		new Random(42).nextBytes(big);
		big[0] = 0;
		big[big.length - 1] = 0;
		String text = "emoji 😀👩‍👩‍👧 CJK 漢字かな한글 quotes ' \" ` ; -- tab\t newline\n end";
		this.applier.apply(List.of(
				upsert(STREAM, 1, "v", row("id", 1L, "a", null, "b", Long.MIN_VALUE, "c", Long.MAX_VALUE, "d", 0.1,
						"e", text, "f", new byte[] { 0, 1, 0, (byte) 0xFF, 0 }, "g", big)),
				upsert(STREAM, 2, "v", row("id", 2L, "a", -0.5e-300, "b", 1.0, "c", Double.MAX_VALUE, "d", "",
						"e", new byte[0], "f", "'); DROP TABLE v; --", "g", 0L))));

		assertThat(this.database.query(
				"SELECT typeof(a), typeof(b), typeof(c), typeof(d), typeof(e), typeof(f), typeof(g) FROM v ORDER BY id"))
			.containsExactly(List.of("null", "integer", "integer", "real", "text", "blob", "blob"),
					List.of("real", "real", "real", "text", "blob", "text", "integer"));
		List<@Nullable Object> first = this.database.query("SELECT a, b, c, d, e, f, g FROM v WHERE id = 1").get(0);
		assertThat(first.get(0)).isNull();
		assertThat(first.get(1)).isEqualTo(Long.MIN_VALUE);
		assertThat(first.get(2)).isEqualTo(Long.MAX_VALUE);
		assertThat(first.get(3)).isEqualTo(0.1);
		assertThat(first.get(4)).isEqualTo(text);
		assertThat((byte[]) first.get(5)).containsExactly(0, 1, 0, 0xFF, 0);
		assertThat((byte[]) first.get(6)).isEqualTo(big);
		List<@Nullable Object> second = this.database.query("SELECT a, b, c, d, e, f, g FROM v WHERE id = 2").get(0);
		assertThat(second).containsExactly(-0.5e-300, 1.0, Double.MAX_VALUE, "", new byte[0],
				"'); DROP TABLE v; --", 0L);
	}

	@Test
	void changeOfAnotherSchemaShouldTakeARenameInItsPlaceOnlyWhenItIsOneMigrationOld() {
		this.database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score INTEGER)");
		// One migration renamed legacy to score; or, several migrations ago, legacy was dropped and score added.
		ChangeEvent older = upsert(STREAM, 1, "t", row("id", 1L, "name", "a", "legacy", 7L)).event();

		assertThat(this.applier.fittedToThisSchema(older, true).row()).containsExactly(Map.entry("id", 1L),
				Map.entry("name", "a"), Map.entry("score", 7L));
		assertThat(this.applier.fittedToThisSchema(older, false).row()).containsOnlyKeys("id", "name");
	}

	@Test
	void dryRunShouldSayWhetherABatchWouldApplyAndWriteNothing() {
		this.database.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");

		assertThat(this.applier.dryRun(List.of(upsert(STREAM, 1, "t", row("k", 1L, "v", "one"))))).isNull();
		assertThat(this.applier.dryRun(List.of(upsert(STREAM, 1, "t", row("k", 1L, "v", null)))))
			.contains("SQLITE_CONSTRAINT_NOTNULL (permanent: it would be dead-lettered)", "t.v");
		assertThat(this.applier.dryRun(List.of(upsert(STREAM, 1, "t", row("k", 1L, "w", "x")))))
			.contains("does not fit this node's schema (permanent", "w");

		assertThat(this.database.query("SELECT count(*) FROM t")).containsExactly(List.of(0L));
		assertThat(this.applier.position(STREAM)).isZero();
		this.applier.apply(List.of(upsert(STREAM, 1, "t", row("k", 1L, "v", "one"))));
		assertThat(this.applier.position(STREAM)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)",
			"CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)", "CREATE TABLE t (k TEXT NOT NULL PRIMARY KEY, v) WITHOUT ROWID",
			"CREATE TABLE t (k BLOB PRIMARY KEY, v TEXT)" })
	void applyShouldInsertUpdateAndDeleteForEverySingleColumnKeyShape(String ddl) {
		this.database.execute(ddl);
		Object key1 = ddl.contains("INTEGER") ? (Object) 10L : ddl.contains("BLOB") ? new byte[] { 0, 7 } : "kü'\"y";
		Object key2 = ddl.contains("INTEGER") ? (Object) Long.MIN_VALUE : ddl.contains("BLOB") ? new byte[0] : "ключ";
		this.applier.apply(List.of(upsert(STREAM, 1, "t", row("k", key1, "v", "one")),
				upsert(STREAM, 2, "t", row("k", key2, "v", "two"))));
		this.applier.apply(List.of(change(STREAM, 3, "t", Operation.UPDATE, List.of("k"), row("k", key1, "v", "uno")),
				change(STREAM, 4, "t", Operation.DELETE, List.of("k"), row("k", key2, "v", "two"))));

		List<List<@Nullable Object>> rows = this.database.query("SELECT k, typeof(k), v FROM t");
		assertThat(rows).hasSize(1);
		assertThat(rows.get(0).get(0)).isEqualTo(key1);
		assertThat(rows.get(0).get(1)).isEqualTo(ddl.contains("INTEGER") ? "integer"
				: ddl.contains("BLOB") ? "blob" : "text");
		assertThat(rows.get(0).get(2)).isEqualTo("uno");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " WITHOUT ROWID" })
	void applyShouldInsertUpdateAndDeleteWithCompositeKey(String suffix) {
		this.database.execute("CREATE TABLE m (tenant TEXT NOT NULL, id INTEGER NOT NULL, name TEXT, qty INTEGER, "
				+ "PRIMARY KEY (tenant, id))" + suffix);
		List<String> key = List.of("tenant", "id");
		this.applier.apply(List.of(
				change(STREAM, 1, "m", Operation.INSERT, key, row("tenant", "a", "id", 1L, "name", "x", "qty", 5L)),
				change(STREAM, 2, "m", Operation.INSERT, key, row("tenant", "b", "id", 1L, "name", "y", "qty", 6L)),
				change(STREAM, 3, "m", Operation.INSERT, key, row("tenant", "a", "id", 2L, "name", "z", "qty", 7L)),
				change(STREAM, 4, "m", Operation.UPDATE, key, row("tenant", "b", "id", 1L, "name", "Y", "qty", 60L)),
				change(STREAM, 5, "m", Operation.DELETE, key, row("tenant", "a", "id", 2L, "name", "z", "qty", 7L))));

		assertThat(this.database.query("SELECT tenant, id, name, qty FROM m ORDER BY tenant, id"))
			.containsExactly(List.of("a", 1L, "x", 5L), List.of("b", 1L, "Y", 60L));
	}

	@Test
	void applyWhenEveryColumnIsKeyShouldInsertOnceAndIgnoreRepeats() {
		this.database.execute("CREATE TABLE tags (post INTEGER, tag TEXT, PRIMARY KEY (post, tag)) WITHOUT ROWID");
		List<String> key = List.of("post", "tag");
		ApplyResult result = this.applier.apply(
				List.of(change(STREAM, 1, "tags", Operation.INSERT, key, row("post", 1L, "tag", "sqlite")),
						change(STREAM, 2, "tags", Operation.INSERT, key, row("post", 1L, "tag", "sqlite")),
						change(STREAM, 3, "tags", Operation.UPDATE, key, row("post", 1L, "tag", "sqlite"))));

		assertThat(result.applied()).isEqualTo(3);
		assertThat(this.database.query("SELECT post, tag FROM tags")).containsExactly(List.of(1L, "sqlite"));
	}

	@Test
	void upsertShouldKeepColumnsTheChangeDoesNotCarry() {
		this.database.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, title TEXT, added TEXT DEFAULT 'dflt')",
				"INSERT INTO b VALUES (1, 'old', 'local value')");
		this.applier.apply(List.of(upsert(STREAM, 1, "b", row("id", 1L, "title", "new")),
				upsert(STREAM, 2, "b", row("id", 2L, "title", "fresh"))));

		assertThat(this.database.query("SELECT id, title, added FROM b ORDER BY id"))
			.containsExactly(List.of(1L, "new", "local value"), List.of(2L, "fresh", "dflt"));
	}

	@Test
	void upsertOfParentShouldNotDeleteItOrCascadeToChildrenEvenWhenConnectionEnforcedForeignKeys() throws SQLException {
		this.applier.close();
		this.applier = new ChangeApplier(openWithForeignKeys(this.database.file()));
		this.database.execute("CREATE TABLE parent (code TEXT PRIMARY KEY, name TEXT)",
				"CREATE TABLE child (id INTEGER PRIMARY KEY, "
						+ "parent_code TEXT REFERENCES parent (code) ON DELETE CASCADE ON UPDATE CASCADE)",
				"PRAGMA foreign_keys = ON", "INSERT INTO parent VALUES ('p', 'before')",
				"INSERT INTO child VALUES (1, 'p'), (2, 'p')");
		long rowidBefore = (Long) this.database.query("SELECT rowid FROM parent WHERE code = 'p'").get(0).get(0);

		this.applier.apply(List.of(change(STREAM, 1, "parent", Operation.UPDATE, List.of("code"),
				row("code", "p", "name", "after"))));

		assertThat(this.database.query("SELECT rowid, name FROM parent")).containsExactly(List.of(rowidBefore, "after"));
		assertThat(this.database.query("SELECT id, parent_code FROM child ORDER BY id"))
			.containsExactly(List.of(1L, "p"), List.of(2L, "p"));
	}

	@Test
	void applyShouldAcceptChildBeforeParentEvenWhenConnectionEnforcedForeignKeys() throws SQLException {
		this.applier.close();
		this.applier = new ChangeApplier(openWithForeignKeys(this.database.file()));
		this.database.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)",
				"CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id))");

		this.applier.apply(List.of(upsert(STREAM, 1, "child", row("id", 1L, "parent_id", 7L))));
		assertThat(this.database.query("SELECT id, parent_id FROM child")).containsExactly(List.of(1L, 7L));
		this.applier.apply(List.of(upsert(STREAM, 2, "parent", row("id", 7L))));

		assertThat(this.database.query("SELECT * FROM pragma_foreign_key_check")).isEmpty();
		assertThat(this.database.query("SELECT id FROM parent")).containsExactly(List.of(7L));
	}

	@Test
	void deleteShouldRemoveOnlyTheRowWithThatKey() {
		this.database.execute("CREATE TABLE d (id INTEGER PRIMARY KEY, v TEXT)",
				"INSERT INTO d VALUES (1, 'a'), (2, 'b'), (3, 'c')");
		ApplyResult result = this.applier.apply(List.of(
				change(STREAM, 1, "d", Operation.DELETE, List.of("id"), row("id", 2L, "v", "b")),
				change(STREAM, 2, "d", Operation.DELETE, List.of("id"), row("id", 99L, "v", "missing"))));

		assertThat(result.applied()).isEqualTo(2);
		assertThat(this.database.query("SELECT id FROM d ORDER BY id")).containsExactly(List.of(1L), List.of(3L));
	}

	@Test
	void reapplyingTheSameBatchShouldBeANoOpAndKeepThePosition() {
		this.database.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, v TEXT)");
		List<PositionedChange> batch = List.of(upsert(STREAM, 5, "r", row("id", 1L, "v", "replicated")),
				upsert(STREAM, 6, "r", row("id", 2L, "v", "replicated")));
		ApplyResult first = this.applier.apply(batch);
		this.database.execute("UPDATE r SET v = 'changed locally since'");

		ApplyResult second = this.applier.apply(batch);

		assertThat(first).isEqualTo(new ApplyResult(2, 0, Map.of(STREAM, 6L)));
		assertThat(second).isEqualTo(new ApplyResult(0, 2, Map.of(STREAM, 6L)));
		assertThat(this.applier.position(STREAM)).isEqualTo(6);
		assertThat(this.database.query("SELECT v FROM r")).containsOnly(List.of("changed locally since"));
	}

	@Test
	void applyShouldSkipChangesAtOrBehindTheStreamPositionWithinABatch() {
		this.database.execute("CREATE TABLE s (id INTEGER PRIMARY KEY, v TEXT)");
		ApplyResult result = this.applier.apply(List.of(upsert(STREAM, 1, "s", row("id", 1L, "v", "a")),
				upsert(STREAM, 3, "s", row("id", 1L, "v", "c")), upsert(STREAM, 2, "s", row("id", 1L, "v", "b")),
				upsert(STREAM, 3, "s", row("id", 1L, "v", "duplicate"))));

		assertThat(result).isEqualTo(new ApplyResult(2, 2, Map.of(STREAM, 3L)));
		assertThat(this.database.query("SELECT v FROM s")).containsExactly(List.of("c"));
	}

	@Test
	void applyShouldTrackEachStreamSeparatelyAndStampTheUpdate() throws SQLException {
		this.applier.close();
		Clock clock = Clock.fixed(Instant.ofEpochMilli(1_234_567L), ZoneOffset.UTC);
		this.applier = new ChangeApplier(SqliteConnections.open(this.database.file()), clock);
		this.database.execute("CREATE TABLE p (id INTEGER PRIMARY KEY)");

		ApplyResult result = this.applier.apply(List.of(upsert("s1", 10, "p", row("id", 1L)),
				upsert("s2", 3, "p", row("id", 2L)), upsert("s1", 11, "p", row("id", 3L))));

		assertThat(result.positions()).isEqualTo(Map.of("s1", 11L, "s2", 3L));
		assertThat(this.applier.positions()).containsExactly(Map.entry("s1", 11L), Map.entry("s2", 3L));
		assertThat(this.applier.position("s3")).isZero();
		assertThat(this.database.query("SELECT stream, sequence, updated_at FROM " + ChangeApplier.POSITION_TABLE
				+ " ORDER BY stream")).containsExactly(List.of("s1", 11L, 1_234_567L), List.of("s2", 3L, 1_234_567L));
	}

	@Test
	void failureInTheMiddleOfABatchShouldRollBackEverythingIncludingThePosition() {
		this.database.execute("CREATE TABLE f (id INTEGER PRIMARY KEY, email TEXT UNIQUE, qty INTEGER CHECK (qty >= 0))",
				"INSERT INTO f VALUES (100, 'taken@example.com', 1)");
		this.applier.apply(List.of(upsert(STREAM, 1, "f", row("id", 1L, "email", "one@example.com", "qty", 1L))));
		List<PositionedChange> batch = List.of(
				upsert(STREAM, 2, "f", row("id", 1L, "email", "one@example.com", "qty", 99L)),
				upsert(STREAM, 3, "f", row("id", 2L, "email", "two@example.com", "qty", 2L)),
				upsert(STREAM, 4, "f", row("id", 3L, "email", "taken@example.com", "qty", 3L)),
				upsert(STREAM, 5, "f", row("id", 4L, "email", "four@example.com", "qty", 4L)));

		assertThatExceptionOfType(ChangeApplyException.class).isThrownBy(() -> this.applier.apply(batch))
			.satisfies((ex) -> {
				assertThat(ex.index()).isEqualTo(2);
				assertThat(ex.position()).isEqualTo(new StreamPosition(STREAM, 4));
				assertThat(ex.table()).isEqualTo("f");
			})
			.withMessageContaining("change 2 of the batch (INSERT on table 'f', stream '" + STREAM + "', sequence 4)")
			.withMessageContaining("UNIQUE constraint failed")
			.withMessageContaining("rolled back")
			.withMessageNotContaining("taken@example.com");
		assertThat(this.database.query("SELECT id, email, qty FROM f ORDER BY id"))
			.containsExactly(List.of(1L, "one@example.com", 1L), List.of(100L, "taken@example.com", 1L));
		assertThat(this.applier.position(STREAM)).isEqualTo(1);
		assertThat(this.database.count(ApplyMarker.TABLE)).isZero();
	}

	@Test
	void applyShouldKeepTheOrderOfChangesAcrossStatementsAndTables() {
		this.database.execute("CREATE TABLE o (id INTEGER PRIMARY KEY, v TEXT)",
				"CREATE TABLE o2 (id INTEGER PRIMARY KEY, v TEXT)");
		List<String> key = List.of("id");
		this.applier.apply(List.of(upsert(STREAM, 1, "o", row("id", 1L, "v", "first")),
				change(STREAM, 2, "o", Operation.DELETE, key, row("id", 1L, "v", "first")),
				upsert(STREAM, 3, "o", row("id", 1L, "v", "again")), upsert(STREAM, 4, "o", row("id", 2L, "v", "x")),
				upsert(STREAM, 5, "o2", row("id", 2L, "v", "other table")),
				change(STREAM, 6, "o", Operation.DELETE, key, row("id", 2L, "v", "x")),
				upsert(STREAM, 7, "o", row("id", 1L)), upsert(STREAM, 8, "o", row("id", 1L, "v", "last"))));

		assertThat(this.database.query("SELECT id, v FROM o")).containsExactly(List.of(1L, "last"));
		assertThat(this.database.query("SELECT id, v FROM o2")).containsExactly(List.of(2L, "other table"));
	}

	@Test
	void failureAfterOtherStatementsShouldNameTheFailingChange() {
		this.database.execute("CREATE TABLE ok (id INTEGER PRIMARY KEY, v TEXT)",
				"CREATE TABLE strict_qty (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL) STRICT");
		List<PositionedChange> batch = List.of(upsert(STREAM, 1, "ok", row("id", 1L, "v", "a")),
				upsert(STREAM, 2, "strict_qty", row("id", 1L, "qty", 1L)),
				change(STREAM, 3, "ok", Operation.DELETE, List.of("id"), row("id", 1L, "v", "a")),
				upsert(STREAM, 4, "strict_qty", row("id", 2L, "qty", 2L)),
				upsert(STREAM, 5, "strict_qty", row("id", 3L, "qty", "three")),
				upsert(STREAM, 6, "ok", row("id", 9L, "v", "z")));

		assertThatExceptionOfType(ChangeApplyException.class).isThrownBy(() -> this.applier.apply(batch))
			.satisfies((ex) -> assertThat(ex.index()).isEqualTo(4))
			.withMessageContaining("(INSERT on table 'strict_qty', stream '" + STREAM + "', sequence 5)")
			.withMessageNotContaining("three");
		assertThat(this.database.count("ok")).isZero();
		assertThat(this.database.count("strict_qty")).isZero();
		assertThat(this.applier.positions()).isEmpty();
		assertThat(this.applier.apply(batch.subList(0, 4)).applied()).isEqualTo(4);
		assertThat(this.database.query("SELECT id, qty FROM strict_qty ORDER BY id"))
			.containsExactly(List.of(1L, 1L), List.of(2L, 2L));
	}

	@Test
	void appliedChangesShouldNotBeCapturedWhileOtherWritesAre() {
		this.database.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)",
				"CREATE TABLE capture_log (op TEXT, id INTEGER)");
		for (String operation : List.of("INSERT", "UPDATE", "DELETE")) {
			String rowRef = operation.equals("DELETE") ? "OLD" : "NEW";
			this.database.execute("CREATE TRIGGER books_" + operation + " AFTER " + operation + " ON books WHEN "
					+ ApplyMarker.TRIGGER_CONDITION + " BEGIN INSERT INTO capture_log VALUES ('" + operation + "', "
					+ rowRef + ".id); END");
		}

		this.applier.apply(List.of(upsert(STREAM, 1, "books", row("id", 1L, "title", "Dune")),
				upsert(STREAM, 2, "books", row("id", 2L, "title", "Emma")),
				change(STREAM, 3, "books", Operation.UPDATE, List.of("id"), row("id", 1L, "title", "Dune!")),
				change(STREAM, 4, "books", Operation.DELETE, List.of("id"), row("id", 2L, "title", "Emma"))));
		assertThat(this.database.query("SELECT id, title FROM books")).containsExactly(List.of(1L, "Dune!"));
		assertThat(this.database.count("capture_log")).isZero();
		assertThat(this.database.count(ApplyMarker.TABLE)).isZero();

		this.database.execute("INSERT INTO books VALUES (3, 'Ulysses')", "UPDATE books SET title = 'x' WHERE id = 3",
				"DELETE FROM books WHERE id = 3");
		assertThat(this.database.query("SELECT op, id FROM capture_log"))
			.containsExactly(List.of("INSERT", 3L), List.of("UPDATE", 3L), List.of("DELETE", 3L));
	}

	@Test
	void applyShouldSeeColumnsAddedAtRuntimeWithoutExplicitRefresh() {
		this.database.execute("CREATE TABLE g (id INTEGER PRIMARY KEY, a TEXT)");
		this.applier.apply(List.of(upsert(STREAM, 1, "g", row("id", 1L, "a", "x"))));
		this.database.execute("ALTER TABLE g ADD COLUMN b INTEGER");

		this.applier.apply(List.of(upsert(STREAM, 2, "g", row("id", 1L, "a", "y", "b", 2L))));

		assertThat(this.database.query("SELECT id, a, b FROM g")).containsExactly(List.of(1L, "y", 2L));
	}

	@Test
	void refreshSchemaShouldReadDroppedColumnsAgain() {
		this.database.execute("CREATE TABLE h (id INTEGER PRIMARY KEY, a TEXT, b TEXT)");
		this.applier.apply(List.of(upsert(STREAM, 1, "h", row("id", 1L, "a", "x", "b", "y"))));
		this.database.execute("ALTER TABLE h DROP COLUMN b");
		this.applier.refreshSchema();

		assertThatExceptionOfType(InvalidChangeException.class)
			.isThrownBy(() -> this.applier.apply(List.of(upsert(STREAM, 2, "h", row("id", 1L, "a", "z", "b", "w")))))
			.withMessageContaining("has no column named 'b'");
		this.applier.apply(List.of(upsert(STREAM, 2, "h", row("id", 1L, "a", "z"))));
		assertThat(this.database.query("SELECT id, a FROM h")).containsExactly(List.of(1L, "z"));
	}

	@Test
	void skipShouldOnlyMoveThePositionForward() {
		this.applier.skip(new StreamPosition(STREAM, 7));
		this.applier.skip(new StreamPosition(STREAM, 3));

		assertThat(this.applier.position(STREAM)).isEqualTo(7);
		assertThat(this.applier.positions()).containsExactly(Map.entry(STREAM, 7L));
	}

	@Test
	void skippedLetterOfSeveralTablesShouldBeLackedByEachTableUntilReapplied() throws Exception {
		StreamPosition position = new StreamPosition(STREAM, 9);
		this.applier.skip(position, new DeadLetteredChanges.Letter(41, position, Map.of("t", 2, "u", 1), "skipped"));
		this.applier.deadLettered(List.of(DeadLetteredChanges.Letter.ofOneChange(42, position, "t", "refused")));

		try (Connection reader = SqliteConnections.open(this.database.file())) {
			Map<String, DeadLetteredChanges.Lacking> lacking = DeadLetteredChanges.byTable(reader);
			assertThat(lacking).containsOnlyKeys("t", "u");
			assertThat(lacking.get("t").letters()).isEqualTo(2);
			assertThat(lacking.get("t").changes()).isEqualTo(3);
			assertThat(lacking.get("u").changes()).isEqualTo(1);

			this.applier.reapplied(41);
			assertThat(DeadLetteredChanges.byTable(reader)).containsOnlyKeys("t");
			this.applier.reapplied(42);
			assertThat(DeadLetteredChanges.byTable(reader)).isEmpty();
		}
		assertThat(this.applier.position(STREAM)).isEqualTo(9);
	}

	@Test
	void applyOfEmptyBatchShouldWriteNothing() {
		assertThat(this.applier.apply(List.of())).isEqualTo(new ApplyResult(0, 0, Map.of()));
		assertThat(this.applier.positions()).isEmpty();
	}

	@Test
	void closedApplierShouldRefuseWork() {
		this.applier.close();
		this.applier.close();

		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.applier.position(STREAM))
			.withMessageContaining("closed");
	}

	@Test
	void applyShouldApplyLargeBatchesOfMixedTables() {
		this.database.execute("CREATE TABLE x1 (id INTEGER PRIMARY KEY, v TEXT)",
				"CREATE TABLE x2 (k TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID");
		List<PositionedChange> batch = new ArrayList<>();
		for (int i = 1; i <= 2_000; i++) {
			batch.add((i % 2 == 0) ? upsert(STREAM, i, "x1", row("id", (long) i, "v", "v" + i))
					: change(STREAM, i, "x2", Operation.INSERT, List.of("k"), row("k", "k" + i, "n", (long) i)));
		}

		assertThat(this.applier.apply(batch).applied()).isEqualTo(2_000);
		assertThat(this.database.count("x1")).isEqualTo(1_000);
		assertThat(this.database.count("x2")).isEqualTo(1_000);
		assertThat(this.applier.position(STREAM)).isEqualTo(2_000);
	}

	@Test
	void constructorWhenConnectionIsInATransactionShouldFailAndCloseIt() throws SQLException {
		Connection connection = SqliteConnections.open(this.database.file());
		connection.setAutoCommit(false);

		assertThatExceptionOfType(HarmonyLiteException.class)
			.isThrownBy(() -> new ChangeApplier(connection))
			.withMessageContaining("must be in auto-commit mode");
		assertThat(connection.isClosed()).isTrue();
	}

	private static Connection openWithForeignKeys(Path file) throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		config.setJournalMode(SQLiteConfig.JournalMode.WAL);
		config.enforceForeignKeys(true);
		config.setBusyTimeout(30_000);
		return config.createConnection("jdbc:sqlite:" + file);
	}

}
