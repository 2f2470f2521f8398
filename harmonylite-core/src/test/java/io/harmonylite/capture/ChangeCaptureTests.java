package io.harmonylite.capture;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.harmonylite.ConfigException;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.capture.CaptureTestSupport.changeLogCount;
import static io.harmonylite.capture.CaptureTestSupport.count;
import static io.harmonylite.capture.CaptureTestSupport.describe;
import static io.harmonylite.capture.CaptureTestSupport.execute;
import static io.harmonylite.capture.CaptureTestSupport.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

class ChangeCaptureTests {

	@RegisterExtension
	final CapturedLogs logs = CapturedLogs.of(ChangeCapture.class);

	@TempDir
	Path directory;

	private Connection connection;

	@BeforeEach
	void open() {
		this.connection = SqliteConnections.open(this.directory.resolve("app.db"));
	}

	@AfterEach
	void close() throws Exception {
		this.connection.close();
	}

	private ChangeCapture capture(List<String> tables, List<String> ignoreTables) {
		return new ChangeCapture(this.connection, tables, ignoreTables);
	}

	/** The WARNs capture logs while the given install runs. */
	private List<String> warningsOf(Runnable install) {
		this.logs.clear();
		install.run();
		return this.logs.messages(Level.WARN);
	}

	private List<ChangeEvent> events() {
		return new ChangeLogReader(this.connection, 7).readAfter(0, 1000)
			.stream()
			.map(CapturedChange::event)
			.toList();
	}

	@Test
	void installShouldCaptureInsertUpdateAndDeleteFromJdbc() throws Exception {
		execute(this.connection, "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)");
		List<TableSchema> watched = capture(List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO books (title, author, year) VALUES ('Dune', 'Herbert', 1965)",
				"UPDATE books SET year = 1966 WHERE id = 1", "DELETE FROM books WHERE id = 1");
		List<ChangeEvent> events = events();
		assertThat(watched).extracting(TableSchema::name).containsExactly("books");
		assertThat(events).extracting(ChangeEvent::operation)
			.containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.table()).isEqualTo("books");
			assertThat(event.primaryKey()).containsExactly("id");
			assertThat(event.originNodeId()).isEqualTo(7);
		});
		assertThat(events.get(0).row()).containsExactly(entry("id", 1L), entry("title", "Dune"),
				entry("author", "Herbert"), entry("year", 1965L));
		assertThat(events.get(1).row()).containsEntry("year", 1966L);
		assertThat(events.get(2).row()).containsEntry("year", 1966L).containsEntry("title", "Dune");
	}

	@Test
	void installShouldRecordOneChangeLogRowPerChangedRow() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
		capture(List.of(), List.of()).install();
		execute(this.connection, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
				+ "INSERT INTO t SELECT i, i FROM n", "UPDATE t SET v = v + 1 WHERE id <= 10");
		assertThat(changeLogCount(this.connection)).isEqualTo(110);
	}

	@Test
	void updateThatChangesThePrimaryKeyShouldRecordDeleteOfOldKeyThenUpdate() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
				"CREATE TABLE pair (a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID");
		capture(List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO t VALUES (1, 'x')", "UPDATE t SET id = 2 WHERE id = 1",
				"UPDATE t SET v = 'y' WHERE id = 2", "INSERT INTO pair VALUES ('k', 1, 'x')",
				"UPDATE pair SET b = 2 WHERE a = 'k'");
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::table, ChangeEvent::operation)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("t", Operation.INSERT),
					org.assertj.core.groups.Tuple.tuple("t", Operation.DELETE),
					org.assertj.core.groups.Tuple.tuple("t", Operation.UPDATE),
					org.assertj.core.groups.Tuple.tuple("t", Operation.UPDATE),
					org.assertj.core.groups.Tuple.tuple("pair", Operation.INSERT),
					org.assertj.core.groups.Tuple.tuple("pair", Operation.DELETE),
					org.assertj.core.groups.Tuple.tuple("pair", Operation.UPDATE));
		assertThat(events.get(1).row()).containsExactly(entry("id", 1L), entry("v", "x"));
		assertThat(events.get(2).row()).containsExactly(entry("id", 2L), entry("v", "x"));
		assertThat(events.get(5).primaryKeyValues()).containsExactly("k", 1L);
		assertThat(events.get(6).primaryKeyValues()).containsExactly("k", 2L);
	}

	@Test
	void everyPrimaryKeyShapeShouldBeCapturedWithItsKeyInKeyOrder() throws Exception {
		execute(this.connection, "CREATE TABLE rowid_alias (id INTEGER PRIMARY KEY, v)",
				"CREATE TABLE int_key (id INT PRIMARY KEY, v)", "CREATE TABLE text_key (code TEXT PRIMARY KEY, v)",
				"CREATE TABLE composite (a TEXT, b INTEGER, v, PRIMARY KEY (b, a))",
				"CREATE TABLE no_rowid (a TEXT, b BLOB, v, PRIMARY KEY (a, b)) WITHOUT ROWID");
		capture(List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO rowid_alias (v) VALUES (1)", "INSERT INTO int_key VALUES (-5, 1)",
				"INSERT INTO text_key VALUES ('é-1', 1)", "INSERT INTO composite VALUES ('x', 2, 1)",
				"INSERT INTO no_rowid VALUES ('y', x'0001', 1)");
		for (String table : List.of("rowid_alias", "int_key", "text_key", "composite", "no_rowid")) {
			execute(this.connection, "UPDATE " + table + " SET v = 2", "DELETE FROM " + table);
		}
		List<ChangeEvent> events = events();
		assertThat(events).hasSize(15);
		Map<String, List<String>> keys = new java.util.HashMap<>();
		events.forEach((event) -> keys.put(event.table(), event.primaryKey()));
		assertThat(keys).containsEntry("rowid_alias", List.of("id"))
			.containsEntry("int_key", List.of("id"))
			.containsEntry("text_key", List.of("code"))
			.containsEntry("composite", List.of("b", "a"))
			.containsEntry("no_rowid", List.of("a", "b"));
		assertThat(events.get(0).primaryKeyValues()).containsExactly(1L);
		assertThat(events.get(1).primaryKeyValues()).containsExactly(-5L);
		assertThat(events.get(2).primaryKeyValues()).containsExactly("é-1");
		assertThat(events.get(3).primaryKeyValues()).containsExactly(2L, "x");
		assertThat(events.get(4).primaryKeyValues()).containsExactly("y", new byte[] { 0, 1 });
		assertThat(events.subList(5, 15)).extracting(ChangeEvent::operation)
			.containsExactly(Operation.UPDATE, Operation.DELETE, Operation.UPDATE, Operation.DELETE, Operation.UPDATE,
					Operation.DELETE, Operation.UPDATE, Operation.DELETE, Operation.UPDATE, Operation.DELETE);
	}

	@Test
	void tableWithoutPrimaryKeyShouldBeRefusedNamingTheTable() throws Exception {
		execute(this.connection, "CREATE TABLE good (id INTEGER PRIMARY KEY)", "CREATE TABLE audit_log (line TEXT)");
		ChangeCapture capture = capture(List.of(), List.of());
		assertThatExceptionOfType(UnsupportedTableException.class).isThrownBy(capture::install)
			.withMessageContaining("'audit_log'")
			.withMessageContaining("PRIMARY KEY")
			.satisfies((ex) -> assertThat(ex.tables()).containsExactly("audit_log"));
		assertThat(count(this.connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'")).isZero();
	}

	@Test
	void tableWhosePrimaryKeyHasACollationShouldBeRefusedNamingTheColumn() throws Exception {
		execute(this.connection, "CREATE TABLE good (id INTEGER PRIMARY KEY, k TEXT COLLATE NOCASE)",
				"CREATE TABLE ci (k TEXT COLLATE NOCASE NOT NULL PRIMARY KEY, v TEXT)",
				"CREATE TABLE cw (a INTEGER NOT NULL, b TEXT NOT NULL, v TEXT, PRIMARY KEY (a, b COLLATE RTRIM)) "
						+ "WITHOUT ROWID",
				"CREATE TABLE bin (k TEXT COLLATE BINARY NOT NULL PRIMARY KEY)");
		ChangeCapture capture = capture(List.of(), List.of());
		assertThatExceptionOfType(UnsupportedTableException.class).isThrownBy(capture::install)
			.withMessageContaining("table 'ci' has a primary key compared with COLLATE NOCASE on column 'k'")
			.withMessageContaining("table 'cw' has a primary key compared with COLLATE RTRIM on column 'b'")
			.withMessageContaining("harmonylite.ignore-tables")
			.satisfies((ex) -> assertThat(ex.tables()).containsExactly("ci", "cw"));
		assertThat(capture(List.of(), List.of("ci", "cw")).install()).extracting(TableSchema::name)
			.containsExactlyInAnyOrder("good", "bin");
	}

	@Test
	void tableTooWideForTheChangeLogShouldBeRefusedAtStartAndLeftOutWhileRunning() throws Exception {
		assertThat(ChangeCapture.WIDEST_TABLE).as("7 columns of its own, 31 masks and the values in 2000").isEqualTo(1962);
		execute(this.connection, "CREATE TABLE good (id INTEGER PRIMARY KEY)", wideTable("wide", 1963));
		assertThatExceptionOfType(UnsupportedTableException.class).isThrownBy(capture(List.of(), List.of())::install)
			.withMessageContaining("table 'wide' has 1963 columns, more than the 1962")
			.satisfies((ex) -> assertThat(ex.tables()).containsExactly("wide"));

		execute(this.connection, "DROP TABLE wide");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		execute(this.connection, wideTable("wide", 2000), "CREATE TABLE added (id INTEGER PRIMARY KEY)",
				"INSERT INTO added VALUES (1)");
		ChangeCapture.Installed installed = capture.reinstall();
		assertThat(installed.tables()).extracting(TableSchema::name).containsExactlyInAnyOrder("good", "added");
		assertThat(installed.leftOut()).singleElement().asString().contains("table 'wide' has 2000 columns");
		assertThat(events()).extracting(ChangeEvent::table).containsExactly("added");
	}

	private static String wideTable(String name, int columns) {
		StringBuilder ddl = new StringBuilder("CREATE TABLE " + name + " (id INTEGER PRIMARY KEY");
		for (int i = 1; i < columns; i++) {
			ddl.append(", c").append(i).append(" INTEGER");
		}
		return ddl.append(")").toString();
	}

	@Test
	void autoincrementKeyShouldBeWarnedOfSinceEveryNodePicksTheSameKeys() throws Exception {
		execute(this.connection, "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, item TEXT)",
				"CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)");
		capture(List.of(), List.of()).withoutTableWarnings().install();
		assertThat(this.logs.messages(Level.WARN)).as("left to the engine's start").isEmpty();
		capture(List.of(), List.of()).install();
		assertThat(this.logs.messages(Level.WARN)).singleElement()
			.asString()
			.startsWith("Table 'orders': its key is AUTOINCREMENT, picked by SQLite on each node");
	}

	@Test
	void userTriggerThatWritesToAReplicatedTableWithoutTheApplyMarkerGuardShouldBeWarnedOfOnce() throws Exception {
		execute(this.connection, "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)",
				"CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER)", "CREATE TABLE local_log (line TEXT)",
				"CREATE TRIGGER audit AFTER INSERT ON a BEGIN INSERT INTO b (a_id) VALUES (NEW.id); END",
				"CREATE TRIGGER guarded AFTER INSERT ON a WHEN NOT EXISTS (SELECT 1 FROM \"__harmonylite__apply_marker\") "
						+ "BEGIN INSERT INTO b (a_id) VALUES (-NEW.id); END",
				"CREATE TRIGGER checks BEFORE INSERT ON a WHEN NEW.v = 'x' BEGIN SELECT RAISE(ABORT, 'no update'); END",
				"CREATE TRIGGER blank BEFORE UPDATE ON a WHEN replace(NEW.v, ' ', '') = '' "
						+ "BEGIN SELECT RAISE(ABORT, 'blank'); END",
				"CREATE TRIGGER logged AFTER DELETE ON a BEGIN INSERT INTO local_log VALUES ('delete from b'); END",
				"CREATE TRIGGER copy AFTER UPDATE ON A BEGIN -- keeps b in step\n"
						+ "REPLACE INTO \"B\" (id, a_id) VALUES (NEW.id, NEW.id); END");
		ChangeCapture capture = capture(List.of(), List.of("LOCAL_LOG"));
		capture.install();
		capture.reinstall();
		assertThat(this.logs.messages(Level.WARN)).hasSize(2)
			.anySatisfy((message) -> assertThat(message)
				.startsWith("Trigger 'audit' on replicated table 'a' writes to replicated table(s) [b]"))
			.anySatisfy((message) -> assertThat(message)
				.startsWith("Trigger 'copy' on replicated table 'A' writes to replicated table(s) [B]"));
	}

	@Test
	void tableWithoutPrimaryKeyShouldBeAcceptedWhenIgnored() throws Exception {
		execute(this.connection, "CREATE TABLE good (id INTEGER PRIMARY KEY)", "CREATE TABLE audit_log (line TEXT)");
		List<TableSchema> watched = capture(List.of(), List.of("AUDIT_LOG")).install();
		execute(this.connection, "INSERT INTO audit_log VALUES ('x')", "INSERT INTO good VALUES (1)");
		assertThat(watched).extracting(TableSchema::name).containsExactly("good");
		assertThat(events()).extracting(ChangeEvent::table).containsExactly("good");
	}

	@Test
	void configuredTablesShouldBeTheOnlyOnesWatchedAndMatchedIgnoringCase() throws Exception {
		execute(this.connection, "CREATE TABLE Books (id INTEGER PRIMARY KEY)", "CREATE TABLE other (id INTEGER PRIMARY KEY)");
		List<TableSchema> watched = capture(List.of("books"), List.of()).install();
		execute(this.connection, "INSERT INTO Books VALUES (1)", "INSERT INTO other VALUES (1)");
		assertThat(watched).extracting(TableSchema::name).containsExactly("Books");
		assertThat(events()).extracting(ChangeEvent::table).containsExactly("Books");
	}

	@Test
	void configuredTableThatDoesNotExistShouldFailNamingIt() throws Exception {
		execute(this.connection, "CREATE TABLE books (id INTEGER PRIMARY KEY)");
		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> capture(List.of("bookz"), List.of()).install())
			.withMessageContaining("harmonylite.tables")
			.withMessageContaining("'bookz' does not exist")
			.withMessageContaining("'books'");
	}

	@Test
	void virtualTablesAndTheirShadowTablesShouldNeverBeWatched() throws Exception {
		execute(this.connection, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
				"CREATE VIRTUAL TABLE notes_fts USING fts5(body)",
				"CREATE VIRTUAL TABLE boxes USING rtree(id, min_x, max_x)");
		List<TableSchema> watched = capture(List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO notes_fts (body) VALUES ('hello world')",
				"INSERT INTO boxes VALUES (1, 0, 1)", "INSERT INTO notes VALUES (1, 'hello')");
		assertThat(watched).extracting(TableSchema::name).containsExactly("notes");
		assertThat(events()).extracting(ChangeEvent::table).containsExactly("notes");
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> capture(List.of("notes_fts"), List.of()).install())
			.withMessageContaining("'notes_fts' is a virtual table");
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> capture(List.of("notes_fts_data"), List.of()).install())
			.withMessageContaining("'notes_fts_data' is a shadow table");
	}

	@Test
	void generatedColumnsShouldNotBeCaptured() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, "
				+ "twice INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL, thrice INTEGER AS (a * 3) STORED)");
		capture(List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO t (id, a) VALUES (1, 5)");
		assertThat(events().get(0).row()).containsExactly(entry("id", 1L), entry("a", 5L));
	}

	@Test
	void installTwiceShouldKeepTheSameObjectsAndPendingChanges() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		execute(this.connection, "INSERT INTO t VALUES (1, 'a')");
		List<List<Object>> schemaBefore = query(this.connection, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name");
		long epochBefore = new ChangeLogReader(this.connection, 1).captureEpoch();
		capture.install();
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		assertThat(query(this.connection, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"))
			.isEqualTo(schemaBefore);
		assertThat(count(this.connection, "SELECT count(*) FROM \"" + ChangeCapture.LAYOUT_TABLE + "\"")).isOne();
		assertThat(new ChangeLogReader(this.connection, 1).captureEpoch()).isEqualTo(epochBefore);
		assertThat(events()).hasSize(1);
		execute(this.connection, "INSERT INTO t VALUES (2, 'b')");
		assertThat(events()).hasSize(2);
	}

	@Test
	void triggerDroppedOutsideHarmonyLiteShouldBeCreatedAgainWithAWarningThatWritesWereMissed() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
		capture(List.of(), List.of()).install();
		assertThat(warningsOf(() -> capture(List.of(), List.of()).reinstall())).as("nothing missing").isEmpty();
		execute(this.connection, "DROP TRIGGER \"__harmonylite__t__insert\"");
		execute(this.connection, "INSERT INTO t VALUES (1, 'missed')");

		List<String> warnings = warningsOf(() -> capture(List.of(), List.of()).reinstall());

		assertThat(warnings).singleElement()
			.satisfies((warning) -> assertThat(warning).contains("Table 't'", "[__harmonylite__t__insert]",
					"were not captured", "write them again"));
		execute(this.connection, "INSERT INTO t VALUES (2, 'captured')");
		assertThat(events()).hasSize(1);
	}

	@Test
	void installAfterAddColumnShouldUseNewLayoutAndKeepOldRowsDecodable() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		execute(this.connection, "INSERT INTO t VALUES (1, 'one')", "ALTER TABLE t ADD COLUMN \"b c\" INTEGER DEFAULT 7",
				"INSERT INTO t VALUES (2, 'two', 2)");
		capture.install();
		execute(this.connection, "INSERT INTO t VALUES (3, 'three', 3)", "UPDATE t SET \"b c\" = 10 WHERE id = 1");
		List<ChangeEvent> events = events();
		assertThat(events).hasSize(5);
		assertThat(events.get(0).row()).containsExactly(entry("id", 1L), entry("a", "one"));
		// Written after the ALTER but before install(): still the old layout, still decodable; its value of the new
		// column is caught up by install() (it is not the column's default).
		assertThat(events.get(1).row()).containsExactly(entry("id", 2L), entry("a", "two"));
		assertThat(events.get(2).row()).containsExactly(entry("id", 2L), entry("a", "two"), entry("b c", 2L));
		assertThat(events.get(3).row()).containsExactly(entry("id", 3L), entry("a", "three"), entry("b c", 3L));
		assertThat(events.get(4).row()).containsExactly(entry("id", 1L), entry("a", "one"), entry("b c", 10L));
		assertThat(count(this.connection, "SELECT count(*) FROM \"" + ChangeCapture.LAYOUT_TABLE + "\"")).isEqualTo(2);
		capture.install();
		assertThat(count(this.connection, "SELECT count(*) FROM \"" + ChangeCapture.LAYOUT_TABLE + "\"")).isEqualTo(2);
	}

	@Test
	void reinstallWhileRunningShouldCaptureTheAddedColumnsWrittenBetweenTheDdlAndIt() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		execute(this.connection, "INSERT INTO t VALUES (1, 'one')", "INSERT INTO t VALUES (2, 'two')",
				"ALTER TABLE t ADD COLUMN email TEXT", "ALTER TABLE t ADD COLUMN n INTEGER DEFAULT 7",
				// Captured by the old triggers, without the new columns.
				"UPDATE t SET email = 'one@x' WHERE id = 1", "INSERT INTO t VALUES (3, 'three', NULL, 9)");
		assertThat(capture.reinstall().tables()).hasSize(1);
		List<ChangeEvent> events = events();
		assertThat(events).hasSize(6);
		assertThat(events.get(2).row()).containsExactly(entry("id", 1L), entry("a", "one"));
		// Rows 1 and 3 hold something else than the added columns' defaults; row 2 holds the defaults.
		assertThat(events.subList(4, 6)).extracting(ChangeEvent::operation).containsOnly(Operation.UPDATE);
		assertThat(events.get(4).row()).containsExactly(entry("id", 1L), entry("a", "one"), entry("email", "one@x"),
				entry("n", 7L));
		assertThat(events.get(5).row()).containsExactly(entry("id", 3L), entry("a", "three"), entry("email", null),
				entry("n", 9L));
		assertThat(events.get(4).changed("email")).isTrue();
		assertThat(events.get(4).changed("a")).isFalse();
		assertThat(events.get(5).version().compareTo(events.get(3).version())).isPositive();
		capture.reinstall();
		assertThat(events()).hasSize(6);
	}

	@Test
	void reinstallWhileRunningShouldTellAnAddedColumnsValueFromItsDefaultByItsBytes() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		execute(this.connection, "INSERT INTO t VALUES (1, 'one')", "INSERT INTO t VALUES (2, 'two')",
				"ALTER TABLE t ADD COLUMN tag TEXT COLLATE NOCASE DEFAULT 'x'",
				"ALTER TABLE t ADD COLUMN price REAL DEFAULT 1", "UPDATE t SET tag = 'X' WHERE id = 1");
		capture.reinstall();
		// Row 1's 'X' equals the default 'x' by the column's collation only; row 2 holds the defaults (its price 1.0
		// equals the default's constant 1 as a number).
		List<ChangeEvent> events = events();
		assertThat(events).hasSize(4);
		assertThat(events.get(3).row()).containsExactly(entry("id", 1L), entry("a", "one"), entry("tag", "X"),
				entry("price", 1.0));
	}

	@Test
	void reinstallWhileRunningShouldCaptureTheRowsOfATableCreatedSinceTheLastInstall() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		execute(this.connection, "CREATE TABLE \"au dit\" (k TEXT, n INTEGER, what TEXT, PRIMARY KEY (k, n))",
				"INSERT INTO \"au dit\" VALUES ('a', 1, 'created'), ('a', 2, NULL)");
		capture.reinstall();
		execute(this.connection, "INSERT INTO \"au dit\" VALUES ('b', 1, 'captured by its trigger')");
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::operation).containsOnly(Operation.INSERT);
		assertThat(events).extracting(ChangeEvent::row)
			.containsExactly(Map.of("k", "a", "n", 1L, "what", "created"), rowWithNull("a", 2L),
					Map.of("k", "b", "n", 1L, "what", "captured by its trigger"));
	}

	private static Map<String, Object> rowWithNull(String k, long n) {
		Map<String, Object> row = new java.util.HashMap<>();
		row.put("k", k);
		row.put("n", n);
		row.put("what", null);
		return row;
	}

	@Test
	void installAtStartupShouldCatchUpTheAddedColumnsAndNewTablesWrittenWhileTheNodeWasStopped() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)", "INSERT INTO t VALUES (1, 'one')");
		capture(List.of(), List.of()).install();
		// The node stopped; its triggers stay in the file, and sqlite3 changes the schema and writes.
		execute(this.connection, "ALTER TABLE t ADD COLUMN email TEXT", "UPDATE t SET email = 'one@x' WHERE id = 1",
				"CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO u VALUES (1, 'new table')");
		capture(List.of(), List.of()).install();
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::table).containsExactly("t", "t", "u");
		assertThat(events.get(1).row()).containsExactly(entry("id", 1L), entry("a", "one"), entry("email", "one@x"));
		assertThat(events.get(2).row()).containsExactly(entry("id", 1L), entry("v", "new table"));
	}

	@Test
	void tableAddedToTheReplicatedTablesShouldSendItsRowsWithAWarningThatTheyWinOverOtherNodesValues()
			throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)",
				"CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO u VALUES (10, 'held while ignored')");
		capture(List.of(), List.of("u")).install();

		// Restarted with u no longer ignored.
		List<String> warnings = warningsOf(() -> capture(List.of(), List.of()).install());

		assertThat(events()).extracting(ChangeEvent::table).containsExactly("u");
		assertThat(warnings).singleElement()
			.satisfies((warning) -> assertThat(warning).contains("Table 'u'", "1 row(s)",
					"win over other nodes' values", "make them identical on every node"));
	}

	@Test
	void installAtStartupShouldNotCatchUpATableCapturedBeforeThatWasLeftOutForAWhile() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY)", "CREATE TABLE u (id INTEGER PRIMARY KEY)");
		capture(List.of(), List.of()).install();
		// The node ran with harmonylite.tables=t for a while: u's rows written then are older than the cluster's.
		capture(List.of("t"), List.of()).install();
		execute(this.connection, "INSERT INTO u VALUES (1)");
		capture(List.of(), List.of()).install();
		assertThat(events()).isEmpty();
	}

	@Test
	void installAtStartupAndReinstallAfterTheTriggersWereRemovedShouldCatchNothingUp() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)", "INSERT INTO t VALUES (1, 'old')",
				"CREATE TABLE big (id INTEGER PRIMARY KEY, a TEXT)",
				"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
						+ "INSERT INTO big SELECT i, 'x' FROM n");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		assertThat(events()).isEmpty();
		// A migration on a running node: triggers removed, DDL and data changes made on every node, capture back.
		capture.removeTriggers();
		execute(this.connection, "ALTER TABLE t ADD COLUMN b TEXT", "UPDATE t SET b = 'computed'",
				"CREATE TABLE u (id INTEGER PRIMARY KEY)", "INSERT INTO u VALUES (1)", "ALTER TABLE big ADD COLUMN b",
				"UPDATE big SET b = id");
		capture.reinstall();
		assertThat(events()).isEmpty();
		assertThat(this.logs.messages(Level.WARN)).as("the backfill of b is not replicated: said")
			.anySatisfy((message) -> assertThat(message)
				.startsWith("Table 't': the migration gave 1 row(s) values other than the default in its added "
						+ "column(s) [b] (a backfill)"))
			.anySatisfy((message) -> assertThat(message).as("counted up to a bound, under the write lock")
				.startsWith("Table 'big': the migration gave over 1000 row(s)"))
			.hasSize(2);
	}

	@Test
	void reinstallWhileRunningShouldCatchUpTheOnlyTableRebuiltUnderItsNameByAnotherProcess() throws Exception {
		// Its rebuild left no capture trigger in the database at all, as removing them for a migration does: only
		// the migration's removal is marked, so the rows written since the rebuild are still caught up.
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		execute(this.connection, "CREATE TABLE t_new (id INTEGER PRIMARY KEY, a TEXT CHECK (a <> ''))",
				"INSERT INTO t_new SELECT * FROM t", "DROP TABLE t", "ALTER TABLE t_new RENAME TO t",
				"INSERT INTO t VALUES (1, 'written right after the rebuild')");
		capture.reinstall();
		assertThat(events()).extracting(ChangeEvent::row)
			.containsExactly(Map.of("id", 1L, "a", "written right after the rebuild"));
	}

	@Test
	void removeTriggersShouldAllowDroppingAColumnAndKeepPendingChanges() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		execute(this.connection, "INSERT INTO t VALUES (1, 'a', 'b')");
		capture.removeTriggers();
		execute(this.connection, "ALTER TABLE t DROP COLUMN b", "INSERT INTO t VALUES (2, 'not captured')");
		capture.install();
		execute(this.connection, "INSERT INTO t VALUES (3, 'a')");
		List<ChangeEvent> events = events();
		assertThat(events).hasSize(2);
		// Kept, and read under the table's columns now: it is sent with the hash of the schema without b.
		assertThat(events.get(0).row()).containsExactly(entry("id", 1L), entry("a", "a"));
		assertThat(events.get(1).row()).containsExactly(entry("id", 3L), entry("a", "a"));
	}

	@Test
	void installShouldWidenTheChangeLogForAWiderTable() throws Exception {
		execute(this.connection, "CREATE TABLE narrow (id INTEGER PRIMARY KEY)");
		capture(List.of(), List.of()).install();
		StringBuilder wide = new StringBuilder("CREATE TABLE wide (id INTEGER PRIMARY KEY");
		for (int i = 1; i < 40; i++) {
			wide.append(", col").append(i).append(" INTEGER DEFAULT ").append(i);
		}
		execute(this.connection, wide.append(')').toString(), "INSERT INTO narrow VALUES (1)");
		capture(List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO wide (id) VALUES (1)", "INSERT INTO narrow VALUES (2)");
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::table).containsExactly("narrow", "wide", "narrow");
		assertThat(events.get(1).row()).hasSize(40).containsEntry("col39", 39L);
		assertThat(count(this.connection, "SELECT count(*) FROM pragma_table_info('" + ChangeCapture.CHANGE_LOG_TABLE
				+ "') WHERE name GLOB 'c[0-9]*'")).isEqualTo(40);
	}

	@Test
	void installShouldDropTriggersOfTablesNoLongerWatched() throws Exception {
		execute(this.connection, "CREATE TABLE a (id INTEGER PRIMARY KEY)", "CREATE TABLE b (id INTEGER PRIMARY KEY)");
		capture(List.of(), List.of()).install();
		capture(List.of(), List.of("b")).install();
		execute(this.connection, "INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (1)");
		assertThat(events()).extracting(ChangeEvent::table).containsExactly("a");
		assertThat(query(this.connection, "SELECT DISTINCT tbl_name FROM sqlite_schema WHERE type = 'trigger'"))
			.containsExactly(List.of("a"));
	}

	@Test
	void removingTheTriggersWhileTheSchemaCheckReinstallsThemShouldWaitForItsTransaction() throws Exception {
		// A migration's thread removes the triggers while the maintenance thread's schema check installs them, on the
		// node's one capture connection: the second transaction must wait for the first, not fail inside it.
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<?> installs = threads.submit(() -> {
				for (int i = 0; i < 200; i++) {
					capture.reinstall();
				}
			});
			Future<?> removals = threads.submit(() -> {
				for (int i = 0; i < 200; i++) {
					capture.removeTriggers();
				}
			});
			installs.get(1, TimeUnit.MINUTES);
			removals.get(1, TimeUnit.MINUTES);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void installAfterTableRenameShouldCaptureUnderTheNewName() throws Exception {
		execute(this.connection, "CREATE TABLE old_name (id INTEGER PRIMARY KEY)");
		capture(List.of(), List.of()).install();
		execute(this.connection, "ALTER TABLE old_name RENAME TO new_name");
		capture(List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO new_name VALUES (1)");
		assertThat(events()).extracting(ChangeEvent::table).containsExactly("new_name");
		assertThat(query(this.connection, "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"))
			.containsExactly(List.of("__harmonylite__new_name__delete"), List.of("__harmonylite__new_name__insert"),
					List.of("__harmonylite__new_name__update"));
	}

	@Test
	void installAfterTableRenameShouldSendTheChangesRecordedSinceUnderTheNewName() throws Exception {
		execute(this.connection, "CREATE TABLE old_name (id INTEGER PRIMARY KEY)");
		capture(List.of(), List.of()).install();
		execute(this.connection, "ALTER TABLE old_name RENAME TO new_name", "INSERT INTO new_name VALUES (1)");
		capture(List.of(), List.of()).install();
		assertThat(query(this.connection, "SELECT tbl FROM " + ChangeCapture.CHANGE_LOG_TABLE))
			.as("the pending change, recorded by the triggers made for old_name").containsExactly(List.of("new_name"));
		assertThat(events()).extracting(ChangeEvent::table).containsExactly("new_name");
	}

	@Test
	void hostileIdentifiersShouldBeCapturedExactlyAndNotAlterSql() throws Exception {
		String table = "we\"ird'; DROP TABLE victim; -- " + "x".repeat(200);
		List<String> columns = List.of("id\"; DROP TABLE victim; --", "it's", "semi;colon", "-- comment", "with space",
				"[bracket]", "`tick`", "NEW", "OLD", "é漢字🎉");
		StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(quote(table)).append(" (");
		for (int i = 0; i < columns.size(); i++) {
			ddl.append(i == 0 ? "" : ", ").append(quote(columns.get(i))).append(i == 0 ? " INTEGER PRIMARY KEY" : "");
		}
		execute(this.connection, ddl.append(')').toString(), "CREATE TABLE victim (id INTEGER PRIMARY KEY)");
		capture(List.of(table), List.of()).install();
		StringBuilder insert = new StringBuilder("INSERT INTO ").append(quote(table)).append(" VALUES (1");
		for (int i = 1; i < columns.size(); i++) {
			insert.append(", ?");
		}
		try (PreparedStatement statement = this.connection.prepareStatement(insert.append(')').toString())) {
			for (int i = 1; i < columns.size(); i++) {
				statement.setString(i, "'); DROP TABLE victim; --" + i);
			}
			statement.executeUpdate();
		}
		execute(this.connection, "UPDATE " + quote(table) + " SET " + quote("it's") + " = 'changed'",
				"DELETE FROM " + quote(table));
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::operation)
			.containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.table()).isEqualTo(table);
			assertThat(event.row().keySet()).containsExactlyElementsOf(columns);
			assertThat(event.primaryKey()).containsExactly(columns.get(0));
		});
		assertThat(events.get(0).row()).containsEntry("semi;colon", "'); DROP TABLE victim; --2");
		assertThat(events.get(1).row()).containsEntry("it's", "changed");
		assertThat(new SchemaReader(this.connection).table("victim")).isPresent();
	}

	@Test
	void uninstallShouldLeaveExactlyTheUserSchemaAndData() throws Exception {
		execute(this.connection, "CREATE TABLE books (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, cover BLOB)",
				"CREATE TABLE tags (book INTEGER, tag TEXT, PRIMARY KEY (book, tag)) WITHOUT ROWID",
				"CREATE INDEX books_title ON books (title)", "CREATE VIEW titles AS SELECT title FROM books",
				"CREATE TRIGGER user_trigger AFTER INSERT ON books BEGIN SELECT 1; END",
				"CREATE VIRTUAL TABLE search USING fts5(title)",
				"INSERT INTO books (title, cover) VALUES ('a', x'00ff'), ('b', NULL)",
				"INSERT INTO tags VALUES (1, 'x'), (2, 'y')", "INSERT INTO search VALUES ('a')");
		List<List<Object>> schemaBefore = userSchema();
		List<String> dataBefore = userData();
		ChangeCapture capture = capture(List.of(), List.of());
		capture.install();
		// Writes that are captured but leave the user's data as it was.
		execute(this.connection, "UPDATE tags SET tag = 'z' WHERE book = 2", "UPDATE tags SET tag = 'y' WHERE book = 2",
				"UPDATE books SET title = 'b' WHERE title = 'b'");
		assertThat(changeLogCount(this.connection)).isEqualTo(5);
		// Tables other packages create with the prefix go too.
		execute(this.connection, "CREATE TABLE \"__harmonylite__apply_position\" (stream TEXT PRIMARY KEY, seq INTEGER)",
				"CREATE TABLE \"__harmonylite__counter\" (id INTEGER PRIMARY KEY AUTOINCREMENT)",
				"INSERT INTO \"__harmonylite__counter\" DEFAULT VALUES");
		capture.uninstall();
		assertThat(userSchema()).isEqualTo(schemaBefore);
		assertThat(userData()).isEqualTo(dataBefore);
		assertThat(count(this.connection, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\'"))
			.isZero();
	}

	private List<List<Object>> userSchema() throws Exception {
		return query(this.connection, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
	}

	private List<String> userData() throws Exception {
		List<String> data = new ArrayList<>();
		for (List<Object> table : query(this.connection,
				"SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
			data.add(table.get(0) + "=" + describe(query(this.connection, "SELECT * FROM " + quote((String) table.get(0)))));
		}
		return data;
	}

	private static String quote(String identifier) {
		return io.harmonylite.sqlite.SqlIdentifiers.quote(identifier);
	}

}
