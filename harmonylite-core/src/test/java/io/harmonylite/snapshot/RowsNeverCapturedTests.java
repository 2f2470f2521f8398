package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.engine.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy a new node keeps of its rows before a restore replaces them.
 */
class RowsNeverCapturedTests {

	@TempDir
	Path directory;

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
