package io.harmonylite.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.DeadLetteredChanges;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Taking a snapshot of a real node database: what it carries, what it leaves behind, and when it is refused.
 */
class SnapshotTakerTests {

	private static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123Z");

	@TempDir
	Path dir;

	@Test
	void snapshotShouldCarryReplicatedTablesAndPositionsButNeitherChangeLogNorNodeIdentityNorUnreplicatedTables()
			throws Exception {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		NodeFiles.books(node, 1, 500);
		NodeFiles.published(node);
		NodeFiles.books(node, 501, 510);
		node.execute("INSERT INTO drafts VALUES (1, 'private to this node')");
		NodeFiles.positions(node, Map.of("changes-0", 510L, "changes-1", 7L), Map.of("changes-0", "2025-01-01T00:00:00Z"));
		assertThat(node.count("\"" + ChangeCapture.CHANGE_LOG_TABLE + "\"")).as("pending and published changes")
			.isEqualTo(510);

		try (TakenSnapshot taken = taker(node, ConsistencyCheck.always()).take()) {
			TestDatabase copy = NodeFiles.open(taken, this.dir.resolve("copy.db"));
			assertThat(copy.count("Books")).isEqualTo(510);
			assertThat(copy.rows("SELECT stream, sequence FROM \"" + SnapshotTables.POSITIONS + "\" ORDER BY stream"))
				.containsExactly("changes-0|510", "changes-1|7");
			assertThat(copy.rows("SELECT name FROM sqlite_schema WHERE type IN ('table', 'trigger') ORDER BY name"))
				.containsExactly("Books", SnapshotTables.POSITIONS, ClockTable.NAME, SnapshotTables.STREAM_IDENTITIES);

			SnapshotMetadata metadata = taken.metadata();
			assertThat(metadata.nodeId()).isEqualTo(7);
			assertThat(metadata.createdAt()).isEqualTo(NOW);
			assertThat(metadata.id()).startsWith("20250301T101530123Z-n7-");
			assertThat(metadata.positions()).isEqualTo(Map.of("changes-0", 510L, "changes-1", 7L));
			assertThat(metadata.streamIdentities()).isEqualTo(Map.of("changes-0", "2025-01-01T00:00:00Z"));
			assertThat(metadata.rowCounts()).isEqualTo(Map.of("Books", 510L, SnapshotTables.POSITIONS, 2L,
					ClockTable.NAME, 1L, SnapshotTables.STREAM_IDENTITIES, 1L));
			try (Connection live = SqliteConnections.open(node.path())) {
				assertThat(metadata.schemaHash()).isEqualTo(NodeFiles.SELECTION.schemaHash(live));
			}
			assertThat(metadata.harmonyLiteVersion()).isEqualTo(HarmonyLiteVersion.current());
			assertThat(metadata.databaseSize()).isEqualTo(Files.size(this.dir.resolve("copy.db")));
			assertThat(metadata.size()).isEqualTo(taken.data().toFile().length()).isLessThan(metadata.databaseSize());
		}
		assertThat(node.count("\"" + ChangeCapture.CHANGE_LOG_TABLE + "\"")).as("the live change log is untouched")
			.isEqualTo(510);
		assertThat(this.dir.resolve("work")).isEmptyDirectory();
	}

	@Test
	void tableWithoutPrimaryKeyCreatedWhileTheNodeRunsShouldBeLeftOutOfTheSnapshotAsItIsOfReplication() {
		// A running node leaves such a table out of capture (and reports it): scheduled snapshots must go on.
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		NodeFiles.books(node, 1, 3);
		node.execute("CREATE TABLE nopk (a INTEGER, b TEXT)", "INSERT INTO nopk VALUES (1, 'local')");
		try (TakenSnapshot taken = taker(node, ConsistencyCheck.always()).take()) {
			TestDatabase copy = NodeFiles.open(taken, this.dir.resolve("copy.db"));
			assertThat(copy.count("Books")).isEqualTo(3);
			assertThat(copy.rows("SELECT name FROM sqlite_schema WHERE name = 'nopk'")).isEmpty();
			assertThat(taken.metadata().rowCounts()).doesNotContainKey("nopk");
		}
	}

	@Test
	void filesOfATakeThatACrashInterruptedShouldBeDeletedByTheNextTake() throws Exception {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		Path work = Files.createDirectories(this.dir.resolve("work"));
		Path copy = Files.write(work.resolve("20250301T000000000Z-n7-abcdef.db"), new byte[1024]);
		Path compressed = Files.write(work.resolve("20250301T000000000Z-n7-abcdef.db.zst"), new byte[512]);
		Path otherNodes = Files.write(work.resolve("20250301T000000000Z-n8-abcdef.db"), new byte[16]);
		Path restoreCopy = Files.write(work.resolve("keep.before-restore-x"), new byte[16]);

		try (TakenSnapshot taken = taker(node, ConsistencyCheck.always()).take()) {
			assertThat(taken.data()).exists();
		}

		assertThat(copy).doesNotExist();
		assertThat(compressed).doesNotExist();
		assertThat(otherNodes).as("another node's, sharing the directory").exists();
		assertThat(restoreCopy).exists();
	}

	@Test
	void snapshotShouldBeRefusedWithTheReasonWhileTheNodeIsNotConsistent() {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		SnapshotTaker taker = taker(node, () -> Optional.of("shard 1 is paused (schema mismatch)"));
		assertThatExceptionOfType(SnapshotRefusedException.class).isThrownBy(taker::take)
			.withMessageContaining("shard 1 is paused (schema mismatch)")
			.withMessageContaining("harmonylite.snapshot.interval");
		assertThat(this.dir.resolve("work")).doesNotExist();
	}

	@Test
	void snapshotShouldBeDiscardedWhenTheNodeBecameInconsistentDuringTheCopy() {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		int[] checks = { 0 };
		SnapshotTaker taker = taker(node,
				() -> (checks[0]++ == 0) ? Optional.empty() : Optional.of("stream changes-0 has a gap"));
		assertThatExceptionOfType(SnapshotRefusedException.class).isThrownBy(taker::take)
			.withMessageContaining("stream changes-0 has a gap");
		assertThat(this.dir.resolve("work")).isEmptyDirectory();
	}

	@Test
	void snapshotShouldBeRefusedWhileTheDatabaseLacksChangesItDeadLettered() {
		// Read from the copy: a letter recorded after the node was last found consistent counts too.
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		ChangeApplier.open(node.path()).close();
		node.execute("INSERT INTO \"" + DeadLetteredChanges.TABLE + "\" (letter, stream, sequence, tbl, changes, reason, "
				+ "at) VALUES (4, 'changes-0', 12, 'Books', 1, 'SQLITE_CONSTRAINT_TRIGGER', 0)");
		assertThatExceptionOfType(SnapshotRefusedException.class)
			.isThrownBy(() -> taker(node, ConsistencyCheck.always()).take())
			.withMessageContaining("lacks 1 change(s) it dead-lettered (table(s) Books)");
		assertThat(this.dir.resolve("work")).isEmptyDirectory();
	}

	private SnapshotTaker taker(TestDatabase node, ConsistencyCheck consistency) {
		return new SnapshotTaker(node.path(), 7, NodeFiles.SELECTION, consistency, this.dir.resolve("work"),
				Clock.fixed(NOW, ZoneOffset.UTC));
	}

}
