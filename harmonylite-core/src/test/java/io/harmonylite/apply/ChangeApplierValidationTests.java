package io.harmonylite.apply;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.event.Operation;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.apply.TestDatabase.change;
import static io.harmonylite.apply.TestDatabase.upsert;
import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChangeApplierValidationTests {

	private static final String STREAM = "harmonylite-changes-2";

	@TempDir
	Path directory;

	private TestDatabase database;

	private ChangeApplier applier;

	@BeforeEach
	void open() {
		this.database = new TestDatabase(this.directory);
		this.applier = ChangeApplier.open(this.database.file());
		this.database.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, "
				+ "upper_title TEXT GENERATED ALWAYS AS (upper(title)) VIRTUAL)",
				"CREATE TABLE pairs (a TEXT, b TEXT, v TEXT, PRIMARY KEY (a, b))", "CREATE TABLE nokey (v TEXT)",
				"CREATE VIEW books_view AS SELECT * FROM books");
	}

	@AfterEach
	void close() throws SQLException {
		this.applier.close();
		this.database.close();
	}

	@Test
	void applyWhenTableIsIgnoredByThisNodeShouldRejectAndWriteNothing() throws SQLException {
		this.database.execute("CREATE TABLE Secrets (id INTEGER PRIMARY KEY, secret TEXT)");
		try (ChangeApplier selective = new ChangeApplier(SqliteConnections.open(this.database.file()),
				Clock.systemUTC(), ConflictSettings.applyOnly(), new ConflictStats(), List.of(), List.of("Secrets",
						"nokey"))) {
			assertThatExceptionOfType(InvalidChangeException.class)
				.isThrownBy(() -> selective.apply(List.of(upsert(STREAM, 2, "Secrets", row("id", 1L, "secret", "s")))))
				.withMessageContaining("table 'Secrets' is not replicated by this node");
			selective.apply(List.of(upsert(STREAM, 3, "books", row("id", 1L, "title", "t"))));
		}
		assertThat(this.database.count("Secrets")).isZero();
		assertThat(this.database.count("books")).isEqualTo(1);
	}

	@Test
	void applyWhenTableIsNotListedInTablesShouldReject() throws SQLException {
		try (ChangeApplier selective = new ChangeApplier(SqliteConnections.open(this.database.file()),
				Clock.systemUTC(), ConflictSettings.applyOnly(), new ConflictStats(), List.of("books"), List.of())) {
			assertThatExceptionOfType(InvalidChangeException.class)
				.isThrownBy(() -> selective.apply(List.of(upsert(STREAM, 2, "pairs", row("a", "x", "b", "y")))))
				.withMessageContaining("table 'pairs' is not replicated by this node");
		}
		assertThat(this.database.count("pairs")).isZero();
	}

	@Test
	void applyWhenTableIsUnknownShouldRejectNamingTheTable() {
		assertRejected(upsert(STREAM, 2, "no_such_table", row("id", 1L)), "no table named 'no_such_table' exists");
	}

	@Test
	void applyWhenTableNameDiffersInCaseShouldReject() {
		assertRejected(upsert(STREAM, 2, "BOOKS", row("id", 1L)), "no table named 'BOOKS' exists");
	}

	@Test
	void applyWhenTargetIsAViewShouldReject() {
		assertRejected(upsert(STREAM, 2, "books_view", row("id", 1L)), "no table named 'books_view'");
	}

	@Test
	void applyWhenColumnIsUnknownShouldRejectNamingTheColumn() {
		assertRejected(upsert(STREAM, 2, "books", row("id", 1L, "title", "t", "isbn", "978")),
				"table 'books' has no column named 'isbn'");
	}

	@Test
	void applyWhenColumnIsTheHiddenRowidShouldReject() {
		assertRejected(upsert(STREAM, 2, "books", row("id", 1L, "rowid", 5L)), "has no column named 'rowid'");
	}

	@Test
	void applyWhenColumnIsGeneratedShouldReject() {
		assertRejected(upsert(STREAM, 2, "books", row("id", 1L, "upper_title", "X")),
				"column 'upper_title' of table 'books' is a generated column");
	}

	@Test
	void applyWhenPrimaryKeyDiffersShouldRejectShowingBothKeys() {
		assertRejected(change(STREAM, 2, "books", Operation.INSERT, List.of("title"), row("id", 1L, "title", "t")),
				"primary key [title] differs from the primary key [id] of table 'books'");
		assertRejected(change(STREAM, 2, "pairs", Operation.DELETE, List.of("b", "a"), row("a", "1", "b", "2")),
				"primary key [b, a] differs from the primary key [a, b] of table 'pairs'");
	}

	@Test
	void applyWhenTableHasNoPrimaryKeyShouldReject() {
		assertRejected(upsert(STREAM, 2, "nokey", row("v", "x")), "table 'nokey' has no primary key");
	}

	@Test
	void applyWhenTablesKeyHasACollationShouldReject() {
		this.database.execute("CREATE TABLE ci (k TEXT COLLATE NOCASE NOT NULL PRIMARY KEY, v TEXT)");
		assertRejected(upsert(STREAM, 2, "ci", row("k", "abc", "v", "forged")),
				"table 'ci' has a primary key compared with COLLATE NOCASE on column 'k'");
	}

	@Test
	void applyWhenKeyValueIsNullShouldReject() {
		assertRejected(change(STREAM, 2, "pairs", Operation.INSERT, List.of("a", "b"), row("a", "x", "b", null)),
				"primary-key column 'b' of table 'pairs' is NULL");
	}

	@Test
	void applyWhenValueIsNaNShouldReject() {
		assertRejected(upsert(STREAM, 2, "books", row("id", 1L, "title", Double.NaN)), "REAL NaN");
	}

	@Test
	void applyWhenTargetIsSqliteSystemTableShouldReject() {
		assertRejected(change(STREAM, 2, "sqlite_master", Operation.DELETE, List.of("name"), row("name", "books")),
				"'sqlite_master' is an SQLite system table");
		assertRejected(upsert(STREAM, 2, "SQLITE_sequence", row("name", "books", "seq", 1L)),
				"'SQLITE_sequence' is an SQLite system table");
		assertThat(this.database.query("SELECT count(*) FROM sqlite_master WHERE name = 'books'"))
			.containsExactly(List.of(1L));
	}

	@Test
	void applyWhenTargetIsHarmonyLiteTableShouldReject() {
		assertRejected(upsert(STREAM, 2, ChangeApplier.POSITION_TABLE, row("stream", STREAM, "sequence", 999L)),
				"is a HarmonyLite table");
		assertRejected(upsert(STREAM, 2, "__HarmonyLite__apply_position", row("stream", STREAM, "sequence", 999L)),
				"is a HarmonyLite table");
		assertRejected(upsert(STREAM, 2, "__harmonylite__apply_marker", row("id", 1L)), "is a HarmonyLite table");
	}

	@Test
	void rejectedChangeShouldLetCallerApplyPrefixSkipItAndGoOn() {
		List<PositionedChange> batch = List.of(upsert(STREAM, 1, "books", row("id", 1L, "title", "a")),
				upsert(STREAM, 2, "books", row("id", 2L, "title", "b")),
				upsert(STREAM, 3, "books", row("id", 3L, "bogus", "c")),
				upsert(STREAM, 4, "books", row("id", 4L, "title", "d")));

		InvalidChangeException rejected = assertThrows(InvalidChangeException.class,
				() -> this.applier.apply(batch));
		assertThat(rejected.index()).isEqualTo(2);
		assertThat(rejected.position()).isEqualTo(new StreamPosition(STREAM, 3));
		assertThat(rejected.table()).isEqualTo("books");
		assertThat(this.database.count("books")).isZero();
		this.applier.apply(batch.subList(0, rejected.index()));
		this.applier.skip(rejected.position());
		ApplyResult rest = this.applier.apply(batch.subList(rejected.index() + 1, batch.size()));

		assertThat(rest.applied()).isEqualTo(1);
		assertThat(this.database.query("SELECT id FROM books ORDER BY id")).containsExactly(List.of(1L), List.of(2L),
				List.of(4L));
		assertThat(this.applier.position(STREAM)).isEqualTo(4);
		assertThat(this.applier.apply(batch).skipped()).isEqualTo(4);
	}

	@Test
	void hostileIdentifiersShouldBeQuotedAndHostileValuesStoredVerbatim() {
		String table = "we\"ird 'table'; DROP TABLE books; -- " + "t".repeat(200);
		String key = "k\"ey'; --";
		String column = "col \"; DELETE FROM books; --' " + "c".repeat(210);
		String other = "[br] `tick` \\ ; /* x */";
		this.database.execute("CREATE TABLE " + SqlIdentifiers.quote(table) + " (" + SqlIdentifiers.quote(key)
				+ " TEXT PRIMARY KEY, " + SqlIdentifiers.quote(column) + " TEXT, " + SqlIdentifiers.quote(other)
				+ ") WITHOUT ROWID", "INSERT INTO books (id, title) VALUES (1, 'still here')");
		String hostileValue = "'); DROP TABLE books; --";
		String hostileKey = "\"; DELETE FROM books WHERE 1; --";
		List<String> primaryKey = List.of(key);

		this.applier.apply(List.of(
				change(STREAM, 1, table, Operation.INSERT, primaryKey,
						row(key, hostileKey, column, hostileValue, other, "x\" OR 1=1 --")),
				change(STREAM, 2, table, Operation.INSERT, primaryKey, row(key, "second", column, "s", other, null)),
				change(STREAM, 3, table, Operation.UPDATE, primaryKey, row(key, "second", column, hostileKey)),
				change(STREAM, 4, table, Operation.INSERT, primaryKey, row(key, "third", column, null)),
				change(STREAM, 5, table, Operation.DELETE, primaryKey, row(key, "third", column, null, other, null))));

		List<List<@Nullable Object>> rows = this.database.query("SELECT " + SqlIdentifiers.quote(key) + ", "
				+ SqlIdentifiers.quote(column) + ", " + SqlIdentifiers.quote(other) + " FROM "
				+ SqlIdentifiers.quote(table) + " ORDER BY 1");
		List<@Nullable Object> second = new ArrayList<>();
		second.add("second");
		second.add(hostileKey);
		second.add(null);
		assertThat(rows).containsExactly(List.of(hostileKey, hostileValue, "x\" OR 1=1 --"), second);
		assertThat(this.database.query("SELECT id, title FROM books")).containsExactly(List.of(1L, "still here"));
		assertThat(this.applier.position(STREAM)).isEqualTo(5);
	}

	@Test
	void hostileUnknownIdentifiersShouldBeRejectedWithoutTouchingTheDatabase() {
		this.database.execute("INSERT INTO books (id, title) VALUES (1, 'still here')");
		assertRejected(upsert(STREAM, 2, "books\"; DROP TABLE books; --", row("id", 1L)), "no table named");
		assertRejected(upsert(STREAM, 2, "books", row("id", 1L, "title\" = 'x'; DROP TABLE books; --", "v")),
				"has no column named");
		assertRejected(upsert(STREAM, 2, "books", row("id", 1L, "ti\u0000tle", "v")), "has no column named");
		assertThat(this.database.query("SELECT id, title FROM books")).containsExactly(List.of(1L, "still here"));
	}

	/**
	 * Applies a batch of one valid change followed by {@code invalid}, expects the rejection of the second and checks
	 * that nothing was written.
	 */
	private void assertRejected(PositionedChange invalid, String reason) {
		long booksBefore = this.database.count("books");
		Map<String, Long> positionsBefore = this.applier.positions();
		List<PositionedChange> batch = List.of(upsert(STREAM, 1, "books", row("id", 42L, "title", "valid")), invalid);
		assertThatExceptionOfType(InvalidChangeException.class).isThrownBy(() -> this.applier.apply(batch))
			.satisfies((ex) -> {
				assertThat(ex.index()).isEqualTo(1);
				assertThat(ex.position()).isEqualTo(invalid.position());
				assertThat(ex.reason()).contains(reason);
			})
			.withMessageContaining("Change 1 of the batch (table '" + invalid.event().table() + "', stream '" + STREAM
					+ "', sequence " + invalid.position().sequence() + ") was rejected before anything was written: ")
			.withMessageContaining(reason);
		assertThat(this.database.count("books")).isEqualTo(booksBefore);
		assertThat(this.applier.positions()).isEqualTo(positionsBefore);
	}

}
