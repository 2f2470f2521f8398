package io.harmonylite.snapshot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.testsupport.ChildProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Restores against other processes: a {@code sqlite3} CLI writing to the node during the restore loses nothing, and a
 * restoring process killed with {@code SIGKILL} in the middle of the copy leaves the old database, whole.
 */
class SnapshotRestoreIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	@TempDir
	Path dir;

	@RegisterExtension
	final ChildProcesses processes = new ChildProcesses();

	@Test
	void everyWriteOfAnotherProcessDuringTheRestoreShouldSurvive() throws Exception {
		RestoreFixture fixture = new RestoreFixture(this.dir, 2000);
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		int transactions = 40_000;
		Process writer = startCliWriter(node.path(), transactions);
		await().atMost(TIMEOUT).until(() -> node.count("drafts") > 200);

		RestoreOutcome outcome = fixture.restorer(node).restore(fixture.store, fixture.snapshot,
				RestoreFixture.schemaHash(node));

		assertThat(outcome).isInstanceOf(RestoreOutcome.Restored.class);
		assertThat(writer.isAlive()).as("the writer was still writing when the restore ended").isTrue();
		assertThat(writer.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(writer.exitValue()).as(Files.readString(this.dir.resolve("writer.log"))).isZero();
		// Each transaction wrote one draft (a table this node keeps) and one book (captured into the change log).
		assertThat(node.rows("SELECT count(*), min(id), max(id) FROM drafts"))
			.containsExactly(transactions + "|1|" + transactions);
		assertThat(node.rows("SELECT count(*) FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" WHERE tbl = 'Books'"))
			.containsExactly(String.valueOf(transactions));
		assertThat(node.rows("SELECT count(*) FROM Books WHERE id <= 2000")).containsExactly("2000");
		assertThat(node.rows("PRAGMA integrity_check")).containsExactly("ok");
	}

	@Test
	void restoreKilledInTheMiddleOfTheCopyShouldLeaveTheOldDatabaseWhole() throws Exception {
		RestoreFixture fixture = new RestoreFixture(this.dir, 200_000);
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		NodeFiles.books(node, 1, 3);
		node.execute("INSERT INTO drafts VALUES (1, 'kept')");
		NodeFiles.positions(node, Map.of(RestoreFixture.STREAM, 3L), Map.of(RestoreFixture.STREAM, "older"));
		List<String> booksBefore = node.rows("SELECT * FROM Books ORDER BY id");
		List<List<String>> localBefore = RestoreFixture.localState(node);
		Path wal = Path.of(node.path() + "-wal");
		// The last connection to close checkpoints and removes the WAL.
		assertThat(wal).doesNotExist();

		Process restore = this.processes.start(ChildProcesses.java(RestoreMain.class, node.path().toString(),
				this.dir.resolve("store").toString(), fixture.snapshot.id(), this.dir.resolve("node-work").toString())
			.redirectErrorStream(true));
		BufferedReader output = new BufferedReader(new InputStreamReader(restore.getInputStream(),
				StandardCharsets.UTF_8));
		assertThat(awaitLine(output, "HALFWAY")).isTrue();
		assertThat(Files.size(wal)).as("half of the copy is written to the WAL, uncommitted")
			.isGreaterThan(1_000_000);
		restore.destroyForcibly();
		assertThat(restore.waitFor(30, TimeUnit.SECONDS)).isTrue();

		assertThat(node.rows("PRAGMA integrity_check")).containsExactly("ok");
		assertThat(node.rows("SELECT * FROM Books ORDER BY id")).isEqualTo(booksBefore);
		assertThat(RestoreFixture.localState(node)).isEqualTo(localBefore);
		assertThat(node.rows("SELECT stream, sequence FROM \"" + SnapshotTables.POSITIONS + "\""))
			.containsExactly(RestoreFixture.STREAM + "|3");

		RestoreOutcome again = fixture.restorer(node).restore(fixture.store, fixture.snapshot,
				RestoreFixture.schemaHash(node));
		assertThat(again).isInstanceOf(RestoreOutcome.Restored.class);
		assertThat(node.count("Books")).isEqualTo(200_000);
		assertThat(RestoreFixture.localState(node)).isEqualTo(localBefore);
		assertThat(this.dir.resolve("node-work")).isEmptyDirectory();
	}

	private static boolean awaitLine(BufferedReader output, String expected) throws IOException {
		for (String line = output.readLine(); line != null; line = output.readLine()) {
			if (line.contains(expected)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Starts {@code sqlite3} running one transaction per n: insert draft n and book 100000 + n.
	 */
	private Process startCliWriter(Path database, int transactions) throws IOException {
		Path script = this.dir.resolve("writer.sql");
		StringBuilder sql = new StringBuilder(".timeout 60000\nPRAGMA synchronous = OFF;\n");
		for (int n = 1; n <= transactions; n++) {
			sql.append("BEGIN IMMEDIATE; INSERT INTO drafts VALUES (").append(n).append(", 'draft'); ")
				.append("INSERT INTO Books VALUES (").append(100_000 + n).append(", 'local book', NULL, 1.0); COMMIT;\n");
		}
		Files.writeString(script, sql, StandardCharsets.UTF_8);
		return this.processes.start(ChildProcesses.sqlite3Script(database, script, this.dir.resolve("writer.log")));
	}

}
