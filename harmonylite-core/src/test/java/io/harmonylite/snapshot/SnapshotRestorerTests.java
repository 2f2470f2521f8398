package io.harmonylite.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.harmonylite.apply.ApplyResult;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.MessageOrigin;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.event.Version;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Restoring a snapshot into a live node database: the replicated state comes from the snapshot, the node's own state
 * stays, open connections keep working, and unfit or damaged snapshots change nothing.
 */
class SnapshotRestorerTests {

	@TempDir
	Path dir;

	private RestoreFixture fixture;

	@BeforeEach
	void takeOriginSnapshot() {
		this.fixture = new RestoreFixture(this.dir, 1000);
	}

	@Test
	void restoreShouldInstallTheSnapshotAndKeepTheNodesLocalStateWhileAnOpenConnectionKeepsWorking() throws Exception {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		node.execute("INSERT INTO Books VALUES (1, 'stale title', NULL, 1.0)");
		forgetCapturedChanges(node);
		node.execute("INSERT INTO Books VALUES (9001, 'written here, not yet published', NULL, 2.0)",
				"INSERT INTO drafts VALUES (1, 'private to node 2')");
		NodeFiles.positions(node, Map.of(RestoreFixture.STREAM, 1L), Map.of(RestoreFixture.STREAM, "older"));
		List<List<String>> localBefore = RestoreFixture.localState(node);

		try (Connection application = SqliteConnections.open(node.path());
				PreparedStatement countBooks = application.prepareStatement("SELECT count(*) FROM Books")) {
			assertThat(count(countBooks)).isEqualTo(2);

			RestoreOutcome outcome = this.fixture.restorer(node)
				.restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node));

			assertThat(outcome).isInstanceOfSatisfying(RestoreOutcome.Restored.class, (restored) -> {
				assertThat(restored.snapshotId()).isEqualTo(this.fixture.snapshot.id());
				assertThat(restored.position(RestoreFixture.STREAM)).isEqualTo(1000);
				assertThat(restored.streamIdentities()).containsEntry(RestoreFixture.STREAM, RestoreFixture.IDENTITY);
			});
			assertThat(count(countBooks)).as("the open connection sees the restored rows and the node's own")
				.isEqualTo(1001);
		}
		assertThat(node.rows("SELECT * FROM Books WHERE id <= 1000 ORDER BY id"))
			.isEqualTo(this.fixture.origin.rows("SELECT * FROM Books ORDER BY id"));
		assertThat(node.rows("SELECT title FROM Books WHERE id = 9001")).as("the pending change, merged")
			.containsExactly("written here, not yet published");
		assertThat(RestoreFixture.localState(node)).as("change log, meta, layouts, schema version, drafts, triggers")
			.isEqualTo(localBefore);
		assertThat(node.rows("SELECT value FROM \"" + ChangeCapture.META_TABLE + "\" WHERE key = '"
				+ LocalChangeRecorder.RESTORED_THROUGH_KEY + "'"))
			.as("the node's changes so far are marked: merged by the rule when they come back, never skipped unread")
			.isEqualTo(node.rows("SELECT max(id) FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\""));
		assertThat(node.rows("SELECT stream, sequence FROM \"" + SnapshotTables.POSITIONS + "\""))
			.containsExactly(RestoreFixture.STREAM + "|1000");
		assertThat(node.rows("SELECT snapshot_id FROM \"" + SnapshotTables.RESTORE_TABLE + "\""))
			.containsExactly(this.fixture.snapshot.id());
		assertThat(node.rows("PRAGMA integrity_check")).containsExactly("ok");
		assertThat(this.dir.resolve("node-work")).isEmptyDirectory();
	}

	@Test
	void conflictClockShouldKeepTheLaterOfTheNodesAndTheSnapshotsValue() {
		TestDatabase ahead = NodeFiles.node(this.dir.resolve("ahead.db"));
		RestoreFixture.setClock(ahead, RestoreFixture.CLOCK + 1000);
		TestDatabase behind = NodeFiles.node(this.dir.resolve("behind.db"));
		RestoreFixture.setClock(behind, RestoreFixture.CLOCK - 1000);
		TestDatabase without = NodeFiles.node(this.dir.resolve("without.db"));
		without.execute("DROP TABLE \"" + SnapshotTables.CLOCK_TABLE + "\"");

		for (TestDatabase node : List.of(ahead, behind, without)) {
			assertThat(this.fixture.restorer(node)
				.restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node)))
				.isInstanceOf(RestoreOutcome.Restored.class);
		}

		assertThat(RestoreFixture.clock(ahead)).as("never back").isEqualTo(RestoreFixture.CLOCK + 1000);
		assertThat(RestoreFixture.clock(behind)).as("forward to the snapshot's").isEqualTo(RestoreFixture.CLOCK);
		assertThat(RestoreFixture.clock(without)).as("the snapshot's").isEqualTo(RestoreFixture.CLOCK);
		ahead.execute("UPDATE Books SET title = 'written after the restore' WHERE id = 7");
		assertThat(pending(ahead)).as("no version below one the node issued before").singleElement()
			.satisfies((change) -> assertThat(change.event().hlc()).isGreaterThan(RestoreFixture.CLOCK + 1000));
	}

	@Test
	void snapshotWithoutAClockShouldLeaveTheNodesClock() {
		this.fixture.origin.execute("DROP TABLE \"" + SnapshotTables.CLOCK_TABLE + "\"");
		SnapshotMetadata withoutClock;
		try (TakenSnapshot taken = new SnapshotTaker(this.fixture.origin.path(), 1, NodeFiles.SELECTION,
				ConsistencyCheck.always(), this.dir.resolve("no-clock-work"), Clock.systemUTC()).take()) {
			this.fixture.store.put(taken.metadata(), taken.data());
			withoutClock = taken.metadata();
		}
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		RestoreFixture.setClock(node, RestoreFixture.CLOCK + 1000);

		this.fixture.restorer(node).restore(this.fixture.store, withoutClock, RestoreFixture.schemaHash(node));

		assertThat(RestoreFixture.clock(node)).isEqualTo(RestoreFixture.CLOCK + 1000);
	}

	@Test
	void captureShouldKeepWorkingAfterARestore() {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		node.execute("INSERT INTO Books VALUES (9001, 'pending', NULL, 2.0)");
		this.fixture.restorer(node).restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node));

		node.execute("UPDATE Books SET title = 'changed after the restore' WHERE id = 7");

		assertThat(node.rows("SELECT log.tbl, log.op, layout.tbl FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" log "
				+ "JOIN \"" + ChangeCapture.LAYOUT_TABLE + "\" layout ON layout.id = log.layout ORDER BY log.id"))
			.as("both changes captured, each with a layout of this node")
			.containsExactly("Books|1|Books", "Books|2|Books");
	}

	@Test
	void pendingLocalChangeShouldBeInTheRestoredTablesWithItsVersionAndItsEchoSuperseded() throws Exception {
		TestDatabase node = nodeWithBookSeven();
		node.execute("UPDATE Books SET title = 'written here, not yet published' WHERE id = 7");
		record(node);
		long version = pending(node).get(0).event().hlc();

		this.fixture.restorer(node).restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node));

		assertThat(node.rows("SELECT title FROM Books WHERE id = 7")).as("the node's own write, before its echo")
			.containsExactly("written here, not yet published");
		CapturedChange echo = pending(node).get(0);
		assertThat(echo.event().hlc()).as("published with the version it was recorded with").isEqualTo(version);
		assertThat(applyEcho(node, echo, 1001).superseded()).as("the echo: seen already").isOne();
		assertThat(node.rows("SELECT title FROM Books WHERE id = 7")).containsExactly("written here, not yet published");
	}

	@Test
	void changeWrittenWhileTheNodeWasStoppedShouldLoseToALaterOneInTheSnapshot() throws Exception {
		TestDatabase node = nodeWithBookSeven();
		// Written while the node was stopped: captured, not recorded yet.
		node.execute("UPDATE Books SET title = 'offline, earlier' WHERE id = 7");
		// Written elsewhere later (the origin's clock 5 s ahead makes it later for certain), then in the snapshot.
		long later = Version.hlcOf(System.currentTimeMillis() + 5_000);
		RestoreFixture.setClock(this.fixture.origin, later);
		this.fixture.origin.execute("UPDATE Books SET title = 'elsewhere, later' WHERE id = 7");
		record(this.fixture.origin, 1);
		RestoreFixture withLater = new RestoreFixture(this.dir.resolve("with-later"), this.fixture.origin);

		withLater.restorer(node).restore(withLater.store, withLater.snapshot, RestoreFixture.schemaHash(node));

		assertThat(node.rows("SELECT title FROM Books WHERE id = 7")).containsExactly("elsewhere, later");
		assertThat(pending(node)).singleElement()
			.satisfies((change) -> assertThat(change.event().hlc()).as("the version it was written with").isLessThan(later));
	}

	@Test
	void incrementAfterTheRestoreShouldBuildOnTheNodesPublishedButNotYetEchoedWrite() throws Exception {
		this.fixture.origin.execute("UPDATE Books SET price = 3 WHERE id = 7");
		record(this.fixture.origin, 1);
		TestDatabase node = nodeWithBookSeven();
		node.execute("UPDATE Books SET price = 5 WHERE id = 7");
		record(node);
		NodeFiles.published(node);
		RestoreFixture threeInSnapshot = new RestoreFixture(this.dir.resolve("with-3"), this.fixture.origin);
		CapturedChange published = sent(node).get(0);

		threeInSnapshot.restorer(node)
			.restore(threeInSnapshot.store, threeInSnapshot.snapshot, RestoreFixture.schemaHash(node));

		assertThat(node.rows("SELECT price FROM Books WHERE id = 7")).as("read right after the restore")
			.containsExactly("5.0");
		node.execute("UPDATE Books SET price = price + 1 WHERE id = 7");
		assertThat(applyEcho(node, published, 1001).superseded()).as("the echo of the write of 5").isOne();
		assertThat(node.rows("SELECT price FROM Books WHERE id = 7")).containsExactly("6.0");
	}

	@Test
	void ownChangeAlreadyCleanedFromTheChangeLogShouldBeMergedWhenItComesBackAfterTheRestore() throws Exception {
		this.fixture.origin.execute("UPDATE Books SET price = 3 WHERE id = 7");
		record(this.fixture.origin, 1);
		TestDatabase node = nodeWithBookSeven();
		node.execute("UPDATE Books SET price = 5 WHERE id = 7", "INSERT INTO Books VALUES (9002, 'later', 'here', 1)");
		record(node);
		NodeFiles.published(node);
		CapturedChange cleaned = sent(node).get(0);
		try (Connection connection = SqliteConnections.open(node.path())) {
			new ChangeLogReader(connection, 2).deletePublished();
		}
		RestoreFixture threeInSnapshot = new RestoreFixture(this.dir.resolve("with-3"), this.fixture.origin);

		threeInSnapshot.restorer(node)
			.restore(threeInSnapshot.store, threeInSnapshot.snapshot, RestoreFixture.schemaHash(node));

		assertThat(node.rows("SELECT price FROM Books WHERE id = 7")).as("only in the stream now").containsExactly("3.0");
		assertThat(applyEcho(node, cleaned, 1001).superseded()).as("newer than the snapshot's row").isZero();
		assertThat(node.rows("SELECT price FROM Books WHERE id = 7")).containsExactly("5.0");
	}

	@Test
	void localChangeOlderThanTheSnapshotsVersionShouldNotOverwriteIt() throws Exception {
		TestDatabase node = nodeWithBookSeven();
		node.execute("UPDATE Books SET title = 'older than the snapshot' WHERE id = 7");
		node.update("UPDATE \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" SET ver = ?",
				Version.hlcOf(System.currentTimeMillis() - 60_000));
		record(node);
		NodeFiles.published(node);
		this.fixture.origin.execute("UPDATE Books SET title = 'newer, in the snapshot' WHERE id = 7");
		record(this.fixture.origin, 1);
		RestoreFixture newer = new RestoreFixture(this.dir.resolve("newer"), this.fixture.origin);

		newer.restorer(node).restore(newer.store, newer.snapshot, RestoreFixture.schemaHash(node));

		assertThat(node.rows("SELECT title FROM Books WHERE id = 7")).containsExactly("newer, in the snapshot");
	}

	@Test
	void localDeleteNewerThanTheSnapshotShouldRemoveTheRow() throws Exception {
		TestDatabase node = nodeWithBookSeven();
		node.execute("DELETE FROM Books WHERE id = 7");

		this.fixture.restorer(node).restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node));

		assertThat(node.rows("SELECT id FROM Books WHERE id IN (6, 7, 8) ORDER BY id")).containsExactly("6", "8");
		assertThat(applyEcho(node, pending(node).get(0), 1001).superseded()).as("the echo of the delete").isOne();
		assertThat(node.count("Books")).isEqualTo(999);
	}

	@Test
	void restoreIntoANewNodeWithOnlyTheApplicationsTablesShouldGiveItTheReplicationState() {
		TestDatabase node = new TestDatabase(this.dir.resolve("new.db"));
		node.execute(NodeFiles.BOOKS, NodeFiles.DRAFTS);

		RestoreOutcome outcome = this.fixture.restorer(node)
			.restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node));

		assertThat(outcome).isInstanceOf(RestoreOutcome.Restored.class);
		assertThat(node.count("Books")).isEqualTo(1000);
		assertThat(node.rows("SELECT stream, sequence FROM \"" + SnapshotTables.POSITIONS + "\""))
			.containsExactly(RestoreFixture.STREAM + "|1000");
		NodeFiles.installCapture(node);
		node.execute("INSERT INTO Books VALUES (5000, 'first local write', NULL, 1.0)");
		assertThat(node.count("\"" + ChangeCapture.CHANGE_LOG_TABLE + "\"")).isOne();
	}

	@Test
	void restoreShouldAdoptTheLiveDatabasesPageSize() throws Exception {
		TestDatabase node = new TestDatabase(this.dir.resolve("large-pages.db"));
		// The page size is fixed when the first table is created, before WAL mode (SqliteConnections) is set.
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + node.path());
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA page_size = 8192");
			statement.execute(NodeFiles.BOOKS);
			statement.execute(NodeFiles.DRAFTS);
		}
		assertThat(node.rows("PRAGMA page_size")).containsExactly("8192");

		this.fixture.restorer(node).restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node));

		assertThat(node.count("Books")).isEqualTo(1000);
		assertThat(node.rows("PRAGMA page_size")).containsExactly("8192");
	}

	@Test
	void snapshotWithAnotherSchemaHashShouldBeRefusedWithTheReasonAndChangeNothing() {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		node.execute("ALTER TABLE Books ADD COLUMN isbn TEXT");
		NodeFiles.installCapture(node);
		String localHash = RestoreFixture.schemaHash(node);

		RestoreOutcome outcome = this.fixture.restorer(node).restore(this.fixture.store, this.fixture.snapshot, localHash);

		assertThat(outcome).isInstanceOfSatisfying(RestoreOutcome.Refused.class, (refused) -> assertThat(refused.reason())
			.contains(this.fixture.snapshot.schemaHash().substring(0, 8), localHash.substring(0, 8), "migrations"));
		assertThat(node.count("Books")).isZero();
		assertThat(this.dir.resolve("node-work")).doesNotExist();
	}

	@Test
	void snapshotLackingATableThisNodeReplicatesShouldBeRefused() {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		ReplicatedTables draftsToo = new ReplicatedTables(List.of("Books", "drafts"), List.of());

		RestoreOutcome outcome = this.fixture.restorer(node, draftsToo)
			.restore(this.fixture.store, this.fixture.snapshot, this.fixture.snapshot.schemaHash());

		assertThat(outcome).isInstanceOfSatisfying(RestoreOutcome.Refused.class,
				(refused) -> assertThat(refused.reason()).contains("drafts"));
		assertThat(node.count("Books")).isZero();
	}

	@Test
	void damagedSnapshotShouldFailAndChangeNothing() throws Exception {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		Path data = this.dir.resolve("store").resolve(SnapshotManifest.dataName(this.fixture.snapshot.id()));
		byte[] bytes = Files.readAllBytes(data);
		bytes[bytes.length / 2] ^= 0x5a;
		Files.write(data, bytes);

		assertThatExceptionOfType(SnapshotException.class)
			.isThrownBy(() -> this.fixture.restorer(node)
				.restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node)))
			.withMessageContaining("is damaged")
			.withMessageContaining("nothing was installed");
		assertThat(node.count("Books")).isZero();
		assertThat(this.dir.resolve("node-work")).isEmptyDirectory();
	}

	/** A node holding book 7 as applied from the cluster: no change of its own. */
	private TestDatabase nodeWithBookSeven() {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		node.execute("INSERT INTO Books VALUES (7, 'title 7', 'author 7', 3.5)");
		forgetCapturedChanges(node);
		return node;
	}

	/** As if the node's changes so far had come back from the stream and been cleaned up. */
	private static void forgetCapturedChanges(TestDatabase node) {
		node.execute("DELETE FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\"");
	}

	private static void record(TestDatabase node) {
		record(node, 2);
	}

	/** Records the node's pending changes, making their versions final, as its publisher does before publishing. */
	private static void record(TestDatabase node, long nodeId) {
		try (Connection connection = SqliteConnections.open(node.path());
				LocalChangeRecorder recorder = new LocalChangeRecorder(connection,
						new ConflictSettings(nodeId, Duration.ofSeconds(10)), Clock.systemUTC(), new ConflictStats())) {
			recorder.recordPending();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Applies a change of node 2 as the apply loop does when it comes back from the stream, in a message that names
	 * the node's capture epoch.
	 */
	private static ApplyResult applyEcho(TestDatabase node, CapturedChange change, long sequence) throws SQLException {
		try (ChangeApplier applier = new ChangeApplier(SqliteConnections.open(node.path()), Clock.systemUTC(),
				RestoreFixture.CONFLICTS, new ConflictStats());
				Connection connection = SqliteConnections.open(node.path())) {
			MessageOrigin origin = new MessageOrigin(2, new ChangeLogReader(connection, 2).captureEpoch(), change.id(),
					change.id());
			return applier.apply(List.of(new PositionedChange(change.event(),
					new StreamPosition(RestoreFixture.STREAM, sequence), origin)));
		}
	}

	private static List<CapturedChange> sent(TestDatabase node) {
		try (Connection connection = SqliteConnections.open(node.path())) {
			return new ChangeLogReader(connection, 2).readSentAfter(0, 10);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<CapturedChange> pending(TestDatabase node) {
		try (Connection connection = SqliteConnections.open(node.path())) {
			return new ChangeLogReader(connection, 2).readAfter(0, 10);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long count(PreparedStatement statement) throws Exception {
		try (ResultSet rows = statement.executeQuery()) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
