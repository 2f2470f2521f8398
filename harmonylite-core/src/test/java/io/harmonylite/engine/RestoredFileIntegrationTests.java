package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose database file was put back to an older copy while it was stopped (a restore from a backup): its next
 * changes reuse change ids it had already published, and still reach the other nodes, also within JetStream's
 * 2-minute duplicate window; and its own changes the copy lacks come back from the streams.
 */
class RestoredFileIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "restored");

	@TempDir
	Path dir;

	@Test
	void changesMadeAfterTheFileWentBackToAnOlderCopyShouldReachTheOtherNodes() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine second = restoredSecondNode(dbs);
		second.start();
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 4);
		dbs.get(1).execute("INSERT INTO Books VALUES (21, 'after the restore')", "INSERT INTO Books VALUES (22, 'y')");

		awaitEveryRowOnBothNodes(dbs);
	}

	@Test
	void ownChangesTheOlderCopyLacksShouldComeBackAlsoWhenItIsWrittenToBeforeTheNodeCatchesUp() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine second = restoredSecondNode(dbs);

		// The application writes to the restored file before the node runs again: these changes take the ids of
		// the two the copy lacks, which the streams hold (and within JetStream's duplicate window).
		dbs.get(1).execute("INSERT INTO Books VALUES (21, 'after the restore')", "INSERT INTO Books VALUES (22, 'y')");
		second.start();

		awaitEveryRowOnBothNodes(dbs);
	}

	@Test
	void backupFromBeforeAnEarlierRestoreShouldBeFoundToo() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine second = restoredSecondNode(dbs);
		second.start();
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 4);
		dbs.get(1).execute("INSERT INTO Books VALUES (21, 'after the restore')", "INSERT INTO Books VALUES (22, 'y')");
		await().atMost(TIMEOUT).until(() -> dbs.get(0).count("Books") == 6 && second.status().pendingChanges() == 0);
		second.close();

		// The same backup once more: its changes have the epoch from before the first restore renewed it.
		putTheBackupBack(dbs.get(1));
		dbs.get(1).execute("INSERT INTO Books VALUES (31, 'after the second restore')");
		second.start();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			for (TestDatabase db : dbs) {
				assertThat(db.rows("SELECT id FROM Books ORDER BY id")).containsExactly("1", "2", "11", "12", "21",
						"22", "31");
			}
		});
	}

	/**
	 * Starts both nodes, writes rows 1 and 2 on node 2, then stops it, takes a backup, writes rows 11 and 12 through
	 * it, stops it again and puts the backup back.
	 * @return node 2, stopped
	 */
	private HarmonyLiteEngine restoredSecondNode(List<TestDatabase> dbs) throws Exception {
		this.nodes.start(1, dbs.get(0));
		HarmonyLiteEngine node = this.nodes.start(2, dbs.get(1));
		dbs.get(1).execute("INSERT INTO Books VALUES (1, 'a')", "INSERT INTO Books VALUES (2, 'b')");
		await().atMost(TIMEOUT).until(() -> dbs.get(0).count("Books") == 2 && node.status().pendingChanges() == 0);
		node.close();
		Path backup = this.dir.resolve("backup.db");
		Process copy = new ProcessBuilder("sqlite3", dbs.get(1).path().toString(), ".backup '" + backup + "'")
			.redirectErrorStream(true)
			.start();
		assertThat(copy.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(copy.exitValue()).isZero();
		node.start();
		dbs.get(1).execute("INSERT INTO Books VALUES (11, 'after the backup')", "INSERT INTO Books VALUES (12, 'x')");
		await().atMost(TIMEOUT).until(() -> dbs.get(0).count("Books") == 4 && node.status().pendingChanges() == 0);
		node.close();

		// The backup goes back in place: the change ids 3 and 4 will be used again.
		putTheBackupBack(dbs.get(1));
		return node;
	}

	private void putTheBackupBack(TestDatabase db) throws IOException {
		Path file = db.path();
		Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
		Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
		Files.copy(this.dir.resolve("backup.db"), file, StandardCopyOption.REPLACE_EXISTING);
	}

	private static void awaitEveryRowOnBothNodes(List<TestDatabase> dbs) {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(dbs.get(0).rows("SELECT id FROM Books ORDER BY id")).containsExactly("1", "2", "11", "12", "21",
					"22");
			assertThat(dbs.get(1).rows("SELECT id FROM Books ORDER BY id")).containsExactly("1", "2", "11", "12", "21",
					"22");
		});
	}

}
