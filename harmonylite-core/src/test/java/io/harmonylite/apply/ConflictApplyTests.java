package io.harmonylite.apply;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.harmonylite.capture.ApplyMarker;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.conflict.ConflictResolver;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.conflict.VersionCleanup;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The applier with the conflict rule on a node with capture: what gets written, skipped and counted, and what the
 * version state and the clock hold afterwards.
 */
class ConflictApplyTests {

	private static final String STREAM = "s";

	/** The real time: local writes get versions from it, and the changes below are older. */
	private static final long NOW = System.currentTimeMillis();

	private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

	@TempDir
	Path directory;

	private TestDatabase database;

	private ChangeApplier applier;

	private final ConflictStats stats = new ConflictStats();

	private long sequence;

	@BeforeEach
	void open() {
		this.database = new TestDatabase(this.directory);
		this.database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)");
		new ChangeCapture(this.database.connection(), List.of(), List.of()).install();
		this.applier = new ChangeApplier(SqliteConnections.open(this.database.file()), CLOCK,
				new ConflictSettings(1, Duration.ofSeconds(10)), this.stats);
	}

	@AfterEach
	void close() throws SQLException {
		this.applier.close();
		this.database.close();
	}

	@Test
	void ownChangesComingBackShouldBeSupersededAndCounted() {
		this.database.execute("INSERT INTO t VALUES (1, 'a', 'b')", "UPDATE t SET a = 'a2'");
		List<ChangeEvent> echoes = new io.harmonylite.capture.ChangeLogReader(this.database.connection(), 1)
			.readAfter(0, 10)
			.stream()
			.map(io.harmonylite.capture.CapturedChange::event)
			.toList();
		// The node writes again before its first changes come back: the echoes must not undo that.
		this.database.execute("UPDATE t SET a = 'a3'");
		ApplyResult result = this.applier.apply(List.of(positioned(echoes.get(0)), positioned(echoes.get(1))));
		assertThat(result.superseded()).isEqualTo(2);
		assertThat(this.stats.superseded()).isEqualTo(2);
		assertThat(this.database.query("SELECT a, b FROM t")).containsExactly(List.of("a3", "b"));
	}

	@Test
	void ownRecordedChangesComingBackShouldBeSkippedWithoutConsultingTheirRowsOnlyWhenTheirMessageNamesThisEpoch()
			throws SQLException {
		List<ChangeEvent> echoes = this.database.recordOwnWrites(1, "INSERT INTO t VALUES (1, 'a', 'b')", "UPDATE t SET a = 'a2'");
		long epoch = new ChangeLogReader(this.database.connection(), 1).captureEpoch();
		this.database.forgetVersionsAndSetUncaptured("a = 'x'");
		ApplyResult skipped = this.applier.apply(List.of(positioned(echoes.get(0), epoch), positioned(echoes.get(1), epoch)));
		assertThat(skipped.applied()).isEqualTo(2);
		assertThat(skipped.superseded()).isEqualTo(2);
		assertThat(this.stats.superseded()).isEqualTo(2);
		assertThat(skipped.positions()).containsEntry(STREAM, this.sequence);
		assertThat(this.database.query("SELECT a, b FROM t")).as("not merged: the row's state was not read")
			.containsExactly(List.of("x", "b"));
		// From another capture epoch (this node's database was replaced since): merged by the rule like any change.
		apply(positioned(echoes.get(1), epoch + 1));
		assertThat(this.database.query("SELECT a, b FROM t")).containsExactly(List.of("a2", "b"));
	}

	@Test
	void ownChangesKeptThroughARestoreShouldBeMergedWhenTheyComeBack() throws SQLException {
		List<ChangeEvent> echoes = this.database.recordOwnWrites(1, "INSERT INTO t VALUES (1, 'a', 'b')", "UPDATE t SET a = 'a2'");
		long epoch = new ChangeLogReader(this.database.connection(), 1).captureEpoch();
		this.database.forgetVersionsAndSetUncaptured("a = 'snapshot'");
		this.database.execute("INSERT INTO " + ChangeCapture.META_TABLE + " (key, value) VALUES ('"
				+ LocalChangeRecorder.RESTORED_THROUGH_KEY + "', " + echoes.get(1).changeId() + ")");
		ApplyResult merged = apply(positioned(echoes.get(1), epoch));
		assertThat(merged.superseded()).isZero();
		assertThat(this.database.query("SELECT a, b FROM t")).containsExactly(List.of("a2", "b"));
	}

	@Test
	void olderChangeShouldBeSkippedAndANewerOneWrittenOnlyInTheColumnsItChanged() {
		apply(insert(100, 2, "a0", "b0"));
		apply(update(300, 3, "b", "b3"));
		ApplyResult older = apply(update(200, 2, "b", "b2"));
		ApplyResult newer = apply(update(400, 2, "a", "a4"));
		assertThat(older.superseded()).isEqualTo(1);
		assertThat(newer.superseded()).isZero();
		assertThat(this.database.query("SELECT a, b FROM t")).containsExactly(List.of("a4", "b3"));
		assertThat(clock()).isEqualTo(hlc(400));
	}

	@Test
	void versionFarAheadOfTheClockShouldBeAppliedCountedAndMoveTheClockPastIt() {
		long ahead = Version.hlcOf(NOW + 3_600_000);
		apply(new ChangeEvent(9, 1, "t", Operation.INSERT, row("id", 1L, "a", "future", "b", "x"), List.of("id"), NOW,
				"", ahead, null));
		assertThat(this.database.query("SELECT a FROM t")).containsExactly(List.of("future"));
		assertThat(this.stats.aheadOfClock()).isEqualTo(1);
		assertThat(this.stats.furthestAheadApplied()).satisfies((applied) -> {
			assertThat(applied.origins()).containsExactly(9L);
			assertThat(applied.versionTime()).isEqualTo(Instant.ofEpochMilli(NOW + 3_600_000));
		});
		assertThat(clock()).isEqualTo(ahead);
		// A local write made afterwards gets a version past it, so it is not lost to the far-ahead one.
		this.database.execute("UPDATE t SET a = 'local'");
		apply(update(200, 2, "b", "trigger recording"));
		assertThat(this.database.query("SELECT a FROM t")).containsExactly(List.of("local"));
	}

	@Test
	void versionsOfHealthyNodesDraggedAheadByAnEarlierOneShouldNotBeCountedAsAheadOfTheClock() {
		long skewed = Version.hlcOf(NOW + 3_600_000);
		apply(new ChangeEvent(7, 1, "t", Operation.INSERT, row("id", 1L, "a", "from a wrong clock", "b", "x"),
				List.of("id"), NOW, "", skewed, null));
		assertThat(this.stats.aheadOfClock()).isEqualTo(1);
		// Node 2 applied it too, so its next versions follow it: they are past this node's clock, not ahead of it.
		apply(new ChangeEvent(2, 5, "t", Operation.UPDATE, row("id", 1L, "a", "healthy", "b", "x"), List.of("id"), NOW,
				"", skewed + 1, java.util.Set.of("a")));
		assertThat(this.database.query("SELECT a FROM t")).containsExactly(List.of("healthy"));
		assertThat(this.stats.aheadOfClock()).isEqualTo(1);
		// Further ahead again than this node's clock: counted.
		apply(new ChangeEvent(7, 2, "t", Operation.UPDATE, row("id", 1L, "a", "wrong again", "b", "x"), List.of("id"),
				NOW, "", Version.hlcOf(NOW + 7_200_000), java.util.Set.of("a")));
		assertThat(this.stats.aheadOfClock()).isEqualTo(2);
		assertThat(this.stats.furthestAheadApplied().versionTime()).isEqualTo(Instant.ofEpochMilli(NOW + 7_200_000));
	}

	@Test
	void versionMoreThanADayAheadOfTheClockShouldBeRefusedWithoutMovingTheClock() {
		apply(insert(100, 2, "a0", "b0"));
		long forged = Version.hlcOf(NOW + ConflictResolver.REFUSED_AHEAD.toMillis() + 1_000);
		ChangeEvent change = new ChangeEvent(9, 1, "t", Operation.UPDATE, row("id", 1L, "a", "forged", "b", "b0"),
				List.of("id"), NOW, "", forged, Set.of("a"));
		assertThatExceptionOfType(InvalidChangeException.class).isThrownBy(() -> apply(positioned(change)))
			.withMessageContaining("ahead of this node's clock")
			.withMessageContaining("node 9");
		assertThat(this.database.query("SELECT a FROM t")).containsExactly(List.of("a0"));
		assertThat(clock()).isEqualTo(hlc(100));
		// The highest version the wire format allows, which would leave no room for any later local version.
		ChangeEvent highest = new ChangeEvent(9, 2, "t", Operation.UPDATE, row("id", 1L, "a", "max", "b", "b0"),
				List.of("id"), NOW, "", ChangeEventCodec.MAX_HLC, Set.of("a"));
		assertThatExceptionOfType(InvalidChangeException.class).isThrownBy(() -> apply(positioned(highest)));
		assertThat(clock()).isEqualTo(hlc(100));
	}

	@Test
	void unversionedChangeShouldBeAppliedUnconditionallyAndResetTheRowsVersions() {
		apply(insert(500, 2, "a5", "b5"));
		apply(new ChangeEvent(3, 1, "t", Operation.UPDATE, row("id", 1L, "a", "from an old node", "b", "b"),
				List.of("id"), NOW, ""));
		assertThat(this.database.query("SELECT a, b FROM t")).containsExactly(List.of("from an old node", "b"));
		assertThat(this.database.count("\"__harmonylite__row_version\"")).isZero();
		// With the versions reset the row holds its values at ZERO: a versioned change older than the one before wins
		// the column it changed, and the values it carries at ZERO are ordered by value ('stale' > 'from an old ...').
		apply(update(100, 2, "b", "b1"));
		assertThat(this.database.query("SELECT a, b FROM t")).containsExactly(List.of("stale", "b1"));
	}

	@Test
	void deletedRowShouldComeBackFromItsGhostWithoutAColumnThisNodeDroppedSince() {
		this.database.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, a TEXT, gone TEXT)");
		apply(new ChangeEvent(2, 1, "u", Operation.INSERT, row("id", 1L, "a", "a0", "gone", "g"), List.of("id"), NOW,
				"", hlc(100), null));
		apply(new ChangeEvent(2, 2, "u", Operation.DELETE, row("id", 1L, "a", "a0", "gone", "g"), List.of("id"), NOW,
				"", hlc(200), null));
		this.database.execute("ALTER TABLE u DROP COLUMN gone");
		apply(new ChangeEvent(3, 1, "u", Operation.UPDATE, row("id", 1L, "a", "a3"), List.of("id"), NOW, "", hlc(300),
				Set.of("a")));
		assertThat(this.database.query("SELECT id, a FROM u")).containsExactly(List.of(1L, "a3"));
	}

	@Test
	void cleanupShouldRemoveOldTombstonesAndTheStateOfRowsThatNoLongerExist() throws Exception {
		apply(new ChangeEvent(2, 1, "t", Operation.INSERT, row("id", 1L, "a", "a", "b", "b"), List.of("id"), NOW, "",
				Version.hlcOf(NOW - Duration.ofDays(9).toMillis()), null));
		apply(new ChangeEvent(2, 2, "t", Operation.DELETE, row("id", 1L, "a", "a", "b", "b"), List.of("id"), NOW, "",
				Version.hlcOf(NOW - Duration.ofDays(8).toMillis()), null));
		apply(new ChangeEvent(2, 3, "t", Operation.INSERT, row("id", 2L, "a", "a", "b", "b"), List.of("id"), NOW, "",
				hlc(300), null));
		// Removed while capture was off (as during a migration): the row's state stays behind.
		this.database.execute("INSERT INTO \"__harmonylite__apply_marker\" VALUES (1)", "DELETE FROM t WHERE id = 2",
				"DELETE FROM \"__harmonylite__apply_marker\"");
		assertThat(this.database.count("\"__harmonylite__row_version\"")).isEqualTo(2);
		try (VersionCleanup cleanup = new VersionCleanup(SqliteConnections.open(this.database.file()),
				new ConflictSettings(1, Duration.ofSeconds(10)), CLOCK, this.stats)) {
			assertThat(cleanup.run(Duration.ofDays(7))).isEqualTo(2);
		}
		assertThat(this.database.count("\"__harmonylite__row_version\"")).isZero();
	}

	@Test
	void cleanupShouldNotMistakeALocalDeleteNotYetRecordedForAMissingRow() throws Exception {
		apply(insert(100, 2, "a", "b"));
		this.database.execute("DELETE FROM t WHERE id = 1");
		try (VersionCleanup cleanup = new VersionCleanup(SqliteConnections.open(this.database.file()),
				new ConflictSettings(1, Duration.ofSeconds(10)), CLOCK, this.stats)) {
			cleanup.run(Duration.ofDays(7));
		}
		assertThat(this.database.query("SELECT tombstone IS NOT NULL FROM \"__harmonylite__row_version\""))
			.as("recorded as a tombstone, not removed").containsExactly(List.of(1L));
		// An update older than the local delete therefore stays deleted.
		apply(update(150, 3, "a", "late"));
		assertThat(this.database.count("t")).isZero();
	}

	@Test
	void updatesOfARowMissingHereShouldWriteItWholeAndThenUpdateIt() {
		apply(insert(100, 2, "a0", "b0"));
		// Removed outside capture (as by a rebuild that lost its rows): the row's state says it exists.
		this.database.execute("INSERT INTO \"__harmonylite__apply_marker\" VALUES (1)", "DELETE FROM t WHERE id = 1",
				"DELETE FROM \"__harmonylite__apply_marker\"");
		this.applier.apply(List.of(positioned(update(200, 3, "b", "b2")), positioned(update(300, 3, "a", "a3"))));
		assertThat(this.database.query("SELECT id, a, b FROM t"))
			.as("the first update's whole row, then the second update").containsExactly(List.of(1L, "a3", "b2"));
		apply(update(150, 3, "b", "older"));
		assertThat(this.database.query("SELECT a, b FROM t")).as("versions still decide").containsExactly(
				List.of("a3", "b2"));
	}

	@Test
	void largeBatchShouldStoreTheVersionsOfEveryRowSoThatOlderChangesOfAnyOfThemAreSuperseded() {
		// More rows than one multi-row write of the version state holds, and not a multiple of it, with deletes.
		int rows = 150;
		List<PositionedChange> batch = new java.util.ArrayList<>();
		for (long id = 1; id <= rows; id++) {
			batch.add(positioned(new ChangeEvent(2, id, "t", Operation.INSERT, row("id", id, "a", "a" + id, "b", "b"),
					List.of("id"), NOW, "", hlc(500), null)));
		}
		for (long id = 1; id <= rows; id += 10) {
			batch.add(positioned(new ChangeEvent(2, rows + id, "t", Operation.DELETE,
					row("id", id, "a", "a" + id, "b", "b"), List.of("id"), NOW, "", hlc(600), null)));
		}
		assertThat(this.applier.apply(batch).superseded()).isZero();
		assertThat(this.database.count("\"__harmonylite__row_version\"")).isEqualTo(rows);
		List<PositionedChange> older = new java.util.ArrayList<>();
		for (long id = 1; id <= rows; id++) {
			Map<String, @Nullable Object> values = row("id", id, "a", "older", "b", "b");
			older.add(positioned(new ChangeEvent(3, id, "t", Operation.UPDATE, values, List.of("id"), NOW, "", hlc(400),
					Set.of("a"))));
		}
		assertThat(this.applier.apply(older).superseded()).isEqualTo(rows);
		assertThat(this.database.count("t")).isEqualTo(rows - rows / 10);
		assertThat(this.database.query("SELECT count(*) FROM t WHERE a = 'older'")).containsExactly(List.of(0L));
	}

	private ApplyResult apply(ChangeEvent event) {
		return apply(positioned(event));
	}

	private ApplyResult apply(PositionedChange change) {
		return this.applier.apply(List.of(change));
	}

	/** As received in a message this node published in a capture epoch. */
	private PositionedChange positioned(ChangeEvent event, long captureEpoch) {
		this.sequence++;
		return new PositionedChange(event, new StreamPosition(STREAM, this.sequence),
				new MessageOrigin(1, captureEpoch, event.changeId(), event.changeId()));
	}

	private PositionedChange positioned(ChangeEvent event) {
		this.sequence++;
		return new PositionedChange(event, new StreamPosition(STREAM, this.sequence));
	}

	private long clock() {
		try {
			return ClockTable.read(this.database.connection());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long hlc(long offsetMillis) {
		return Version.hlcOf(NOW - 1_000_000 + offsetMillis);
	}

	private static ChangeEvent insert(long at, long node, String a, String b) {
		return new ChangeEvent(node, at, "t", Operation.INSERT, row("id", 1L, "a", a, "b", b), List.of("id"), NOW, "",
				hlc(at), null);
	}

	private static ChangeEvent update(long at, long node, String column, String value) {
		Map<String, @Nullable Object> row = row("id", 1L, "a", "stale", "b", "stale");
		row.put(column, value);
		return new ChangeEvent(node, at, "t", Operation.UPDATE, row, List.of("id"), NOW, "", hlc(at), Set.of(column));
	}

}
