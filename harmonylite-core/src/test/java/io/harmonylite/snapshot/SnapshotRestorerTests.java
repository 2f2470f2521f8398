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
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.engine.TestDatabase;
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
		NodeFiles.published(node);
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
			assertThat(count(countBooks)).as("the open connection sees the restored rows").isEqualTo(1000);
		}
		assertThat(node.rows("SELECT * FROM Books ORDER BY id"))
			.isEqualTo(this.fixture.origin.rows("SELECT * FROM Books ORDER BY id"));
		assertThat(RestoreFixture.localState(node)).as("change log, meta, layouts, schema version, drafts, triggers")
			.isEqualTo(localBefore);
		assertThat(node.rows("SELECT value FROM \"" + ChangeCapture.META_TABLE + "\" WHERE key = '"
				+ LocalChangeRecorder.RESTORED_THROUGH_KEY + "'"))
			.as("the pending changes are marked: published, not recorded into the snapshot's versions")
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
	void pendingLocalChangeShouldKeepItsVersionAndBeWrittenHereWhenItComesBackFromTheStream() throws Exception {
		TestDatabase node = NodeFiles.node(this.dir.resolve("node.db"));
		node.execute("INSERT INTO Books VALUES (7, 'stale title', NULL, 1.0)");
		NodeFiles.published(node);
		node.execute("UPDATE Books SET title = 'written here, not yet published' WHERE id = 7");
		ConflictSettings conflicts = new ConflictSettings(2, Duration.ofSeconds(10));
		ConflictStats stats = new ConflictStats();
		try (Connection connection = SqliteConnections.open(node.path());
				LocalChangeRecorder recorder = new LocalChangeRecorder(connection, conflicts, Clock.systemUTC(),
						stats)) {
			recorder.recordPending();
		}
		long version = pending(node).get(0).event().hlc();

		this.fixture.restorer(node).restore(this.fixture.store, this.fixture.snapshot, RestoreFixture.schemaHash(node));

		assertThat(node.rows("SELECT title FROM Books WHERE id = 7")).as("the snapshot's row until the echo")
			.containsExactly("title 7");
		CapturedChange echo = pending(node).get(0);
		assertThat(echo.event().hlc()).as("published with the version it was recorded with").isEqualTo(version);
		try (ChangeApplier applier = new ChangeApplier(SqliteConnections.open(node.path()), Clock.systemUTC(),
				conflicts, stats)) {
			ApplyResult result = applier
				.apply(List.of(new PositionedChange(echo.event(), new StreamPosition(RestoreFixture.STREAM, 1001))));
			assertThat(result.superseded()).isZero();
		}
		assertThat(node.rows("SELECT title FROM Books WHERE id = 7")).containsExactly("written here, not yet published");
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
