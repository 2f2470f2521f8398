package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.util.List;

import ch.qos.logback.classic.Level;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.testsupport.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy a new node keeps of its rows before a restore replaces them, and the warning when no restore does.
 */
class RowsNeverCapturedTests {

	@TempDir
	Path directory;

	@RegisterExtension
	final CapturedLogs logs = CapturedLogs.of(RowsNeverCaptured.class);

	@Test
	void nodeStartingFromTheStreamsShouldBeWarnedOfTheRowsOfEachTableThatStayOnItOnly() {
		TestDatabase node = new TestDatabase(this.directory.resolve("node.db"));
		node.execute("CREATE TABLE a (id INTEGER PRIMARY KEY)", "CREATE TABLE b (id INTEGER PRIMARY KEY)",
				"CREATE TABLE c (id INTEGER PRIMARY KEY)", "INSERT INTO a VALUES (1), (2)", "INSERT INTO c VALUES (3)");
		RowsNeverCaptured keeper = new RowsNeverCaptured(4, node.path(), new ReplicatedTables(List.of(), List.of()));

		keeper.warnNotReplicated("no snapshot could be restored at startup");

		assertThat(this.logs.events()).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).startsWith("Node 4: no snapshot could be restored at startup;")
				.contains("stay on this node only (rows per table: {a=2, c=1};");
		});
	}

	@Test
	void nodeWithEmptyTablesStartingFromTheStreamsShouldNotBeWarned() {
		TestDatabase node = new TestDatabase(this.directory.resolve("node.db"));
		node.execute("CREATE TABLE a (id INTEGER PRIMARY KEY)");
		new RowsNeverCaptured(4, node.path(), new ReplicatedTables(List.of(), List.of())).warnNotReplicated("why");
		assertThat(this.logs.events()).isEmpty();
	}

	@Test
	void secondRestoreOfTheSameSnapshotShouldKeepANewCopyNotOverwriteTheFirst() {
		TestDatabase node = new TestDatabase(this.directory.resolve("node.db"));
		node.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
		node.execute("INSERT INTO t VALUES (7001, 'only in the first copy')");
		RowsNeverCaptured keeper = new RowsNeverCaptured(1, node.path(), new ReplicatedTables(List.of(), List.of()));
		Path first = keeper.keepBeforeRestoring("snap-1");
		// The restore replaced the row; the node is cleaned up and re-added, with rows of its own again.
		node.execute("DELETE FROM t");
		node.execute("INSERT INTO t VALUES (9001, 'only in the second copy')");

		Path second = keeper.keepBeforeRestoring("snap-1");

		assertThat(first).hasFileName("node.db.before-restore-snap-1");
		assertThat(second).hasFileName("node.db.before-restore-snap-1-2");
		assertThat(new TestDatabase(first).rows("SELECT id FROM t")).containsExactly("7001");
		assertThat(new TestDatabase(second).rows("SELECT id FROM t")).containsExactly("9001");
	}

}
