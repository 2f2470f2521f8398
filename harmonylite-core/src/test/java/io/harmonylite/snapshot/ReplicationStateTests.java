package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import io.harmonylite.engine.TestDatabase;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReplicationState}: which node is new, so that a snapshot may be restored over it at its start.
 */
class ReplicationStateTests {

	@TempDir
	Path directory;

	@Test
	void nodeWithCaptureInstalledButNoWriteShouldBeNew() throws Exception {
		TestDatabase node = nodeWithCapture();

		assertThat(ReplicationState.isAbsent(node.path())).isTrue();
	}

	@Test
	void nodeThatCapturedAWriteOfItsOwnShouldNotBeNewEvenWithoutAStreamPosition() throws Exception {
		TestDatabase node = nodeWithCapture();
		node.execute("INSERT INTO counters VALUES (2, 757)");

		// Restored over, the node would lose this row's newer value (a kill before the node's first apply did so).
		assertThat(ReplicationState.isAbsent(node.path())).isFalse();
	}

	@Test
	void nodeWhoseFileHadNoCaptureBeforeThisStartShouldStayNewWhileItsApplicationWritesUntilItsFirstApply()
			throws Exception {
		// A new or cleaned-up (--cleanup) file: its application writes while the node starts.
		TestDatabase node = nodeWithCapture();
		node.execute("INSERT INTO counters VALUES (2, 757)");

		assertThat(ReplicationState.isAbsent(node.path(), false)).isTrue();
		assertThat(ReplicationState.isAbsent(node.path(), true)).isFalse();
	}

	private TestDatabase nodeWithCapture() throws Exception {
		TestDatabase node = new TestDatabase(this.directory.resolve("node.db"));
		node.execute("CREATE TABLE counters (node INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
		try (Connection connection = SqliteConnections.open(node.path())) {
			new ChangeCapture(connection, List.of(), List.of()).install();
		}
		return node;
	}

}
