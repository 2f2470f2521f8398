package io.harmonylite.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.engine.TestDatabase;
import io.harmonylite.testsupport.ChildProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots taken while another process (the {@code sqlite3} CLI) keeps writing: each is a copy of one moment, with
 * the data and the position written in the same transaction agreeing, and the writer is never stopped.
 */
class SnapshotTakerIntegrationTests {

	private static final String STREAM = "changes-0";

	@TempDir
	Path dir;

	@RegisterExtension
	final ChildProcesses processes = new ChildProcesses();

	@Test
	void snapshotsTakenDuringConcurrentCliWritesShouldEachBeConsistentAndNeverBlockTheWriter() throws Exception {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		NodeFiles.positions(node, Map.of(STREAM, 0L), Map.of(STREAM, "2025-01-01T00:00:00Z"));
		Process writer = startWriter(node.path(), 100_000);
		SnapshotTaker taker = new SnapshotTaker(node.path(), 1, NodeFiles.SELECTION, ConsistencyCheck.always(),
				this.dir.resolve("work"), Clock.systemUTC());

		List<Long> positions = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			long before = node.count("Books");
			await().atMost(Duration.ofSeconds(60)).until(() -> node.count("Books") > before + 200);
			try (TakenSnapshot taken = taker.take()) {
				TestDatabase copy = NodeFiles.open(taken, this.dir.resolve("copy-" + i + ".db"));
				long books = copy.count("Books");
				long position = taken.metadata().positions().get(STREAM);
				// Each writer transaction inserts book n and moves the position to n, as an apply batch does.
				assertThat(books).as("books in snapshot %d", i).isEqualTo(position);
				assertThat(copy.rows("SELECT max(id) FROM Books")).containsExactly(String.valueOf(position));
				assertThat(taken.metadata().rowCounts()).containsEntry("Books", books);
				positions.add(position);
			}
			assertThat(writer.isAlive()).as("the writer still runs after snapshot %d", i).isTrue();
		}
		assertThat(positions).isSorted().doesNotHaveDuplicates();
		long atEnd = node.count("Books");
		await().atMost(Duration.ofSeconds(60)).until(() -> node.count("Books") > atEnd);
	}

	/**
	 * Starts {@code sqlite3} running one transaction per book: insert book n, move the stream position to n.
	 */
	private Process startWriter(Path database, int transactions) throws IOException {
		Path script = this.dir.resolve("writer.sql");
		StringBuilder sql = new StringBuilder(".timeout 30000\nPRAGMA synchronous = OFF;\n");
		for (int n = 1; n <= transactions; n++) {
			sql.append("BEGIN IMMEDIATE; INSERT INTO Books VALUES (").append(n).append(", 'book ").append(n)
				.append("', NULL, 1.5); UPDATE \"").append(SnapshotTables.POSITIONS).append("\" SET sequence = ")
				.append(n).append(" WHERE stream = '").append(STREAM).append("'; COMMIT;\n");
		}
		Files.writeString(script, sql, StandardCharsets.UTF_8);
		return this.processes.start(ChildProcesses.sqlite3Script(database, script, this.dir.resolve("writer.log")));
	}

}
