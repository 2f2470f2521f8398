package io.harmonylite.capture;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.capture.CaptureTestSupport.count;
import static io.harmonylite.capture.CaptureTestSupport.execute;
import static io.harmonylite.capture.CaptureTestSupport.query;
import static io.harmonylite.capture.CaptureTestSupport.sqlite3;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the capture triggers of schema 2 write for conflict resolution: a version per change and the columns an
 * UPDATE changed, with core SQL only, and the in-place migration of a schema 1 change log.
 */
class CaptureVersionTests {

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

	private List<ChangeEvent> events() {
		return new ChangeLogReader(this.connection, 7).readAfter(0, 1000).stream().map(CapturedChange::event).toList();
	}

	@Test
	void everyChangeShouldGetAVersionFromTheWritersClockThatNeverGoesBack() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		long before = System.currentTimeMillis();
		execute(this.connection, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
				+ "INSERT INTO t SELECT i, i FROM n", "UPDATE t SET v = v + 1");
		List<Long> versions = events().stream().map(ChangeEvent::hlc).toList();
		assertThat(versions).hasSize(100).isSorted().doesNotHaveDuplicates();
		// julianday() arithmetic may round down by a millisecond.
		assertThat(Version.millisOf(versions.get(0))).isBetween(before - 1, System.currentTimeMillis());
		assertThat(events()).allMatch((event) -> event.version().node() == 7);
	}

	@Test
	void versionShouldBePastTheNodesClockEvenWhenTheWritersClockIsBehind() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		long applied = Version.hlcOf(System.currentTimeMillis() + 3_600_000);
		ClockTable.advance(this.connection, applied);
		execute(this.connection, "INSERT INTO t VALUES (1, 'after applying a version from the future')");
		assertThat(events()).singleElement().extracting(ChangeEvent::hlc).isEqualTo(applied + 1);
	}

	@Test
	void updateShouldNameTheColumnsItChangedAndAKeyChangeEveryColumnOfTheNewKey() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, c)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO t VALUES (1, 'a', 'b', NULL)", "UPDATE t SET a = 'a2', b = 'b', c = 0",
				"UPDATE t SET a = a", "UPDATE t SET id = 2");
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::operation)
			.containsExactly(Operation.INSERT, Operation.UPDATE, Operation.UPDATE, Operation.DELETE, Operation.UPDATE);
		assertThat(events.get(0).changedColumns()).as("an insert writes every column").isNull();
		assertThat(events.get(1).changedColumns()).as("b kept its value; NULL to 0 is a change")
			.containsExactlyInAnyOrder("a", "c");
		assertThat(events.get(2).changedColumns()).isEmpty();
		assertThat(events.get(4).changedColumns()).as("the row is new for key 2").isNull();
		assertThat(events.get(4).changed("b")).isTrue();
	}

	@Test
	void updateShouldNameAColumnWhoseValueChangedOnlyInCaseTrailingSpacesOrType() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, "
				+ "tag TEXT COLLATE RTRIM, u)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO t VALUES (1, 'alice', 'x', 1)", "UPDATE t SET name = 'Alice'",
				"UPDATE t SET tag = 'x  '", "UPDATE t SET u = 1.0", "UPDATE t SET u = '1.0'",
				"UPDATE t SET name = 'Alice', tag = 'x  ', u = '1.0'");
		List<ChangeEvent> events = events();
		assertThat(events.subList(1, events.size())).extracting(ChangeEvent::changedColumns)
			.containsExactly(Set.of("name"), Set.of("tag"), Set.of("u"), Set.of("u"), Set.of());
	}

	@Test
	void tableWiderThan64ColumnsShouldUseASecondMaskColumn() throws Exception {
		StringBuilder ddl = new StringBuilder("CREATE TABLE wide (id INTEGER PRIMARY KEY");
		for (int i = 1; i <= 70; i++) {
			ddl.append(", c").append(i).append(" INTEGER DEFAULT 0");
		}
		execute(this.connection, ddl.append(')').toString());
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		execute(this.connection, "INSERT INTO wide (id) VALUES (1)", "UPDATE wide SET c63 = 1, c64 = 1, c70 = 1");
		assertThat(events().get(1).changedColumns()).containsExactlyInAnyOrder("c63", "c64", "c70");
		assertThat(query(this.connection, "SELECT m0 <> 0, m1 <> 0 FROM \"" + ChangeCapture.CHANGE_LOG_TABLE
				+ "\" WHERE op = 2")).containsExactly(List.of(1L, 1L));
	}

	@Test
	void versionsShouldComeFromCoreSqlInTheSqlite3ShellWithUntrustedSchema() throws Exception {
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a, b)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		sqlite3(this.directory.resolve("app.db"), "PRAGMA trusted_schema=OFF; INSERT INTO t VALUES (1, 'x', 'y'); "
				+ "UPDATE t SET b = 'z';");
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::hlc).allMatch((hlc) -> hlc > 0).isSorted();
		assertThat(events.get(1).changedColumns()).containsExactly("b");
	}

	@Test
	void changeLogOfSchemaOneShouldBeMigratedInPlaceKeepingPendingChanges() throws Exception {
		// The previous release's change log, with a pending change.
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)",
				"CREATE TABLE \"__harmonylite__meta\" (key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID",
				"INSERT INTO \"__harmonylite__meta\" VALUES ('capture_epoch', 5), ('capture_schema_version', 1)",
				"CREATE TABLE \"__harmonylite__capture_layout\" (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
						+ "columns TEXT NOT NULL, primary_key TEXT NOT NULL, created_at INTEGER NOT NULL)",
				"INSERT INTO \"__harmonylite__capture_layout\" VALUES (1, 't', '[\"id\",\"v\"]', '[\"id\"]', 0)",
				"CREATE TABLE \"__harmonylite__change_log\" (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op INTEGER NOT "
						+ "NULL, layout INTEGER NOT NULL, ts INTEGER NOT NULL, state INTEGER NOT NULL DEFAULT 0, c0, c1)",
				"INSERT INTO \"__harmonylite__change_log\" (tbl, op, layout, ts, c0, c1) VALUES ('t', 1, 1, 1, 1, 'old')");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		List<ChangeEvent> events = events();
		assertThat(events).hasSize(1);
		assertThat(events.get(0).isVersioned()).as("captured before versions existed: recorded later").isFalse();
		assertThat(events.get(0).row()).containsEntry("v", "old");
		execute(this.connection, "INSERT INTO t VALUES (2, 'captured by schema 2')");
		assertThat(events()).last().matches(ChangeEvent::isVersioned);
		assertThat(count(this.connection, "SELECT value FROM \"__harmonylite__meta\" WHERE key = "
				+ "'capture_schema_version'")).isEqualTo(2);
		List<String> columns = new ArrayList<>();
		query(this.connection, "SELECT name FROM pragma_table_info('__harmonylite__change_log')")
			.forEach((row) -> columns.add((String) row.get(0)));
		assertThat(columns).containsSubsequence("c0", "c1", "ver", "m0");
	}

}
