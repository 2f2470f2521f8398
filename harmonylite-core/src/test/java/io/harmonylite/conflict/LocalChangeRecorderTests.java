package io.harmonylite.conflict;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.capture.RecordedChanges;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The recorder against a real change log: versions made final and written back, bounded by the clock, and recorded
 * in the version state exactly once, or only made final for a restore image.
 */
class LocalChangeRecorderTests {

	private static final long NOW = 1_800_000_000_000L;

	private static final String CHANGE_LOG = "\"" + ChangeCapture.CHANGE_LOG_TABLE + "\"";

	@TempDir
	Path directory;

	private Connection connection;

	private final ConflictStats stats = new ConflictStats();

	private LocalChangeRecorder recorder;

	@BeforeEach
	void open() throws SQLException {
		this.connection = SqliteConnections.open(this.directory.resolve("app.db"));
		execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a, b)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		this.recorder = new LocalChangeRecorder(this.connection, new ConflictSettings(3, Duration.ofSeconds(10)),
				Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), this.stats);
	}

	@AfterEach
	void close() throws Exception {
		this.recorder.close();
		this.connection.close();
	}

	@Test
	void versionFarAheadOfTheClockShouldBeBoundedAndThatIsWhatThePublisherReads() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')");
		long skewed = Version.hlcOf(NOW + 3_600_000);
		execute("UPDATE " + CHANGE_LOG + " SET ver = " + skewed);
		long recorded = this.recorder.recordPending();
		long version = versions().get(0);
		assertThat(Version.millisOf(version)).isEqualTo(NOW + 10_000);
		assertThat(this.stats.clampedLocalVersions()).isEqualTo(1);
		assertThat(ClockTable.read(this.connection)).isEqualTo(version);
		assertThat(recorded).isEqualTo(1);
		// The next change of the same writer is bounded too, and still after the previous one.
		execute("INSERT INTO t VALUES (2, 'x', 'y')");
		this.recorder.recordPending();
		assertThat(versions().get(1)).isEqualTo(version + 1);
	}

	@Test
	void changeOfAWriterWhoseClockIsBehindShouldBeNoOlderThanTheNodesLastLookThatDidNotSeeIt() throws SQLException {
		assertThat(this.recorder.recordPending()).as("nothing pending at NOW").isZero();
		// Committed after that look (at NOW) by a writer whose clock is ten minutes behind.
		execute("INSERT INTO t VALUES (1, 'x', 'y')");
		execute("UPDATE " + CHANGE_LOG + " SET ver = " + Version.hlcOf(NOW - 600_000));

		RecordedChanges pending = this.recorder.pendingToPublish(0, 1000);

		assertThat(pending.recorded()).as("raised, so recorded before it is sent").isTrue();
		assertThat(pending.changes()).singleElement()
			.satisfies((change) -> assertThat(change.event().hlc()).isEqualTo(Version.hlcOf(NOW)));
		assertThat(versions()).containsExactly(Version.hlcOf(NOW));
		assertThat(this.stats.clampedLocalVersions()).isEqualTo(1);
	}

	@Test
	void longTransactionCommittedAfterALookShouldBeRaisedWithoutBeingTakenForAClockBehind() throws SQLException {
		assertThat(this.recorder.recordPending()).isZero();
		// A transaction of a minute: its first rows were written long before its commit, its last right before.
		execute("INSERT INTO t VALUES (1, 'x', 'y')", "INSERT INTO t VALUES (2, 'x', 'y')",
				"INSERT INTO t VALUES (3, 'x', 'y')");
		execute("UPDATE " + CHANGE_LOG + " SET ts = " + (NOW - 60_000) + ", ver = " + Version.hlcOf(NOW - 60_000)
				+ " + id WHERE id < 3");
		execute("UPDATE " + CHANGE_LOG + " SET ts = " + (NOW + 5) + ", ver = " + Version.hlcOf(NOW + 5) + " WHERE id = 3");

		this.recorder.recordPending();

		assertThat(versions()).allSatisfy((version) -> assertThat(version).isGreaterThanOrEqualTo(Version.hlcOf(NOW)));
		assertThat(this.stats.clampedLocalVersions()).isZero();
	}

	@Test
	void changesCommittedBeforeTheNodeLookedShouldKeepTheirWritersVersions() throws SQLException {
		// Written while the node was stopped, ten minutes ago by the writer's clock: nothing says it was later.
		execute("INSERT INTO t VALUES (1, 'x', 'y')");
		execute("UPDATE " + CHANGE_LOG + " SET ver = " + Version.hlcOf(NOW - 600_000));
		this.recorder.recordPending();
		assertThat(versions()).containsExactly(Version.hlcOf(NOW - 600_000));
		assertThat(this.stats.clampedLocalVersions()).isZero();
	}

	@Test
	void changesCommittedByAKnownTimeShouldBeBoundedToItPlusTheSkewNotToTheClockNow() throws SQLException {
		// Written by a clock an hour ahead while the node was stopped; the files were last modified a minute ago.
		execute("INSERT INTO t VALUES (1, 'x', 'y')");
		execute("UPDATE " + CHANGE_LOG + " SET ver = " + Version.hlcOf(NOW + 3_600_000));
		assertThat(this.recorder.recordCommittedBy(NOW - 60_000)).isEqualTo(1);
		assertThat(versions()).singleElement()
			.satisfies((version) -> assertThat(Version.millisOf(version)).isEqualTo(NOW - 50_000));
		assertThat(this.stats.clampedLocalVersions()).isEqualTo(1);
	}

	@Test
	void finalizingShouldBoundTheVersionsAndMoveTheCursorWithoutRecordingThemInTheVersionState() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')");
		long applied = Version.hlcOf(NOW + 60_000);
		ClockTable.advance(this.connection, applied);

		assertThat(this.recorder.finalizePending(ClockTable.read(this.connection))).isEqualTo(1);

		assertThat(versions()).containsExactly(applied + 1);
		assertThat(ClockTable.read(this.connection)).isEqualTo(applied + 1);
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isZero();
		assertThat(this.recorder.recordPending()).as("nothing left to record").isEqualTo(1);
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isZero();
	}

	@Test
	void changeCapturedBeforeVersionsExistedShouldGetOneAtRecording() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')", "UPDATE " + CHANGE_LOG + " SET ver = NULL");
		this.recorder.recordPending();
		assertThat(versions()).containsExactly(Version.hlcOf(NOW));
	}

	@Test
	void versionShouldNeverFallBehindWhatTheNodeHasApplied() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')");
		long applied = Version.hlcOf(NOW + 60_000);
		ClockTable.advance(this.connection, applied);
		this.recorder.recordPending();
		assertThat(versions()).containsExactly(applied + 1);
		assertThat(this.stats.clampedLocalVersions()).isZero();
		// What the node tells when its versions run so far ahead that other nodes refuse them.
		assertThat(this.stats.lastLocalVersion()).isEqualTo(applied + 1);
	}

	@Test
	void insertUpdateAndDeleteShouldBeRecordedOnceWithTheirColumnsAndGhost() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')", "UPDATE t SET b = 'z'", "DELETE FROM t");
		this.recorder.recordPending();
		List<Long> versions = versions();
		RowState state = state();
		assertThat(state.versions().of("a")).isEqualTo(new Version(versions.get(0), 3));
		assertThat(state.versions().of("b")).isEqualTo(new Version(versions.get(1), 3));
		assertThat(state.versions().tombstone()).isEqualTo(new Version(versions.get(2), 3));
		assertThat(state.ghost()).containsEntry("b", "z").containsEntry("a", "x");
		// Recording again finds nothing new: the state stays as it is.
		byte[] before = state.versions().encode();
		this.recorder.recordPending();
		assertThat(state().versions().encode()).isEqualTo(before);
	}

	@Test
	void changesPublishedBeforeTheUpgradeShouldNotBeRecorded() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')", "UPDATE " + CHANGE_LOG + " SET ver = NULL, state = 1");
		this.recorder.recordPending();
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isZero();
		assertThat(versions()).containsExactly(0L);
	}

	@Test
	void recordingForThePublisherShouldHandOverTheFirstRecordedChangesWithTheirFinalVersionsWhenTheyFollowIt()
			throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')", "INSERT INTO t VALUES (2, 'x', 'y')",
				"INSERT INTO t VALUES (3, 'x', 'y')");

		RecordedChanges first = this.recorder.recordPending(0, 2);

		// All three are recorded (one chunk); the first two are handed over, the third is read from the log.
		assertThat(first.through()).isEqualTo(3);
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isEqualTo(3);
		assertThat(first.changes()).extracting(CapturedChange::id).containsExactly(1L, 2L);
		assertThat(first.changes()).extracting((change) -> change.event().hlc())
			.containsExactlyElementsOf(versions().subList(0, 2));
	}

	@Test
	void changesWhoseCapturedVersionsAreFinalShouldBeHandedOverUnrecordedThenRecordedWithThoseVersionsOnceSent()
			throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')", "INSERT INTO t VALUES (2, 'x', 'y')",
				"UPDATE t SET a = 'z' WHERE id = 1");
		List<Long> captured = versions();

		RecordedChanges pending = this.recorder.pendingToPublish(0, 1000);

		// Sent before the write lock is taken: nothing recorded yet, the versions as the triggers wrote them.
		assertThat(pending.recorded()).isFalse();
		assertThat(pending.through()).isEqualTo(3);
		assertThat(pending.changes()).extracting((change) -> change.event().hlc()).containsExactlyElementsOf(captured);
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isZero();

		assertThat(this.recorder.recordSent(0, pending.changes())).isEqualTo(3);

		assertThat(versions()).isEqualTo(captured);
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isEqualTo(2);
		assertThat(state().versions().of("a")).isEqualTo(new Version(captured.get(2), 3));
		assertThat(this.recorder.pendingToPublish(3, 1000).changes()).as("nothing left").isNull();
	}

	@Test
	void changesWrittenAfterTheChangeLogWasEmptiedByHandShouldStillBeRecorded() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')", "INSERT INTO t VALUES (2, 'x', 'y')",
				"INSERT INTO t VALUES (3, 'x', 'y')");
		assertThat(this.recorder.recordPending()).isEqualTo(3);
		// As in a file copied from another node whose change log was emptied: ids start at 1 again, below the cursor.
		execute("DELETE FROM " + CHANGE_LOG, "DELETE FROM \"" + VersionStore.TABLE + "\"");
		execute("INSERT INTO t VALUES (4, 'x', 'y')");
		// The running node's recorder refuses to go on: the file went back under it.
		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(() -> this.recorder.pendingToPublish(3, 1000))
			.withMessageContaining("the change log went back while the node runs");
		assertThat(this.stats.changeLogWentBack()).as("for DATABASE_REPLACED")
			.startsWith("the change log went back while the node runs");
		// At the node's next start (the copy is made while it is stopped), its recorder starts from the log.
		this.recorder.close();
		this.recorder = new LocalChangeRecorder(this.connection, new ConflictSettings(3, Duration.ofSeconds(10)),
				Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), this.stats);

		RecordedChanges pending = this.recorder.pendingToPublish(0, 1000);

		assertThat(pending.changes()).extracting(CapturedChange::id).containsExactly(1L);
		this.recorder.recordSent(0, pending.changes());
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).as("the new change is recorded")
			.isEqualTo(1);
		assertThat(count("SELECT value FROM \"" + ChangeCapture.META_TABLE + "\" WHERE key = '"
				+ LocalChangeRecorder.CURSOR_KEY + "'")).isEqualTo(1);
	}

	@Test
	void changeWhoseVersionRecordingWouldBoundShouldBeRecordedBeforeItIsHandedOver() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')");
		execute("UPDATE " + CHANGE_LOG + " SET ver = " + Version.hlcOf(NOW + 3_600_000));

		RecordedChanges pending = this.recorder.pendingToPublish(0, 1000);

		assertThat(pending.recorded()).isTrue();
		assertThat(pending.changes()).singleElement()
			.satisfies((change) -> assertThat(Version.millisOf(change.event().hlc())).isEqualTo(NOW + 10_000));
		assertThat(this.stats.clampedLocalVersions()).isEqualTo(1);
	}

	@Test
	void changesSentThatAnApplyBatchRecordedMeanwhileShouldKeepTheVersionsSent() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')", "INSERT INTO t VALUES (2, 'x', 'y')");
		List<Long> captured = versions();
		RecordedChanges pending = this.recorder.pendingToPublish(0, 1000);
		// An apply batch records everything pending before it applies anything, then a writer adds a change.
		this.recorder.recordPending();
		execute("INSERT INTO t VALUES (3, 'x', 'y')");

		assertThat(this.recorder.recordSent(0, pending.changes())).as("recorded what is pending").isEqualTo(3);

		assertThat(versions().subList(0, 2)).isEqualTo(captured);
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isEqualTo(3);
	}

	@Test
	void largeTransactionShouldBeRecordedForThePublisherOneChunkAtATimeAndWhollyForAnApplyBatch() throws SQLException {
		int rows = 2 * LocalChangeRecorder.CHUNK + 500;
		execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ") "
				+ "INSERT INTO t SELECT i, 'x', 'y' FROM n");

		RecordedChanges first = this.recorder.recordPending(0, 1000);

		// One chunk: the publisher sends its start while the rest waits, and writers wait for the lock that long only.
		assertThat(first.through()).isEqualTo(LocalChangeRecorder.CHUNK);
		assertThat(first.changes()).hasSize(1000);
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isEqualTo(LocalChangeRecorder.CHUNK);
		assertThat(this.recorder.recordPending(1000, 1000).through()).isEqualTo(2L * LocalChangeRecorder.CHUNK);
		// An apply batch records everything pending before it applies anything.
		this.recorder.recordPending();
		assertThat(count("SELECT count(*) FROM \"" + VersionStore.TABLE + "\"")).isEqualTo(rows);
		assertThat(this.recorder.recordPending(2000, 1000).through()).isEqualTo(rows);
		assertThat(versions()).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void transactionOfLargeValuesShouldBeRecordedForThePublisherAboutTheMostBytesOfAReadAtATime() throws SQLException {
		// Six 7 MB values: held in memory all at once, a transaction of such rows ran the publisher out of its heap.
		execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6) "
				+ "INSERT INTO t SELECT i, randomblob(7 * 1024 * 1024), 'y' FROM n");

		RecordedChanges first = this.recorder.recordPending(0, 1000);

		assertThat(first.through()).isEqualTo(3);
		assertThat(first.changes()).hasSize(3);
		assertThat(this.recorder.recordPending(3, 1000).through()).isEqualTo(6);
		assertThat(this.recorder.recordPending(6, 1000).changes()).isNull();
	}

	@Test
	void changesRecordedByAnotherTransactionShouldBeLeftForThePublisherToReadFromTheLog() throws SQLException {
		execute("INSERT INTO t VALUES (1, 'x', 'y')");
		// An apply batch records what is pending before it applies anything.
		this.recorder.recordPending();
		execute("INSERT INTO t VALUES (2, 'x', 'y')");

		RecordedChanges recorded = this.recorder.recordPending(0, 1000);

		assertThat(recorded.through()).isEqualTo(2);
		assertThat(recorded.changes()).isNull();
	}

	private RowState state() throws SQLException {
		RowKey row = RowKey.of(new ChangeEvent(3, 1, "t", Operation.INSERT, Map.of("id", 1L), List.of("id"), 0, ""));
		try (VersionStore store = new VersionStore(this.connection)) {
			return store.load(List.of(row)).get(row);
		}
	}

	private List<Long> versions() throws SQLException {
		List<Long> versions = new ArrayList<>();
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT coalesce(ver, 0) FROM " + CHANGE_LOG + " ORDER BY id")) {
			while (rows.next()) {
				versions.add(rows.getLong(1));
			}
		}
		return versions;
	}

	private long count(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private void execute(String... sql) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			for (String each : sql) {
				statement.execute(each);
			}
		}
	}

}
