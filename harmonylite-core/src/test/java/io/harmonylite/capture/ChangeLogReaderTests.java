package io.harmonylite.capture;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.capture.CaptureTestSupport.changeLogCount;
import static io.harmonylite.capture.CaptureTestSupport.describe;
import static io.harmonylite.capture.CaptureTestSupport.execute;
import static io.harmonylite.capture.CaptureTestSupport.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChangeLogReaderTests {

	@TempDir
	Path directory;

	private Connection connection;

	private ChangeLogReader reader;

	@BeforeEach
	void open() throws Exception {
		this.connection = SqliteConnections.open(this.directory.resolve("app.db"));
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		this.reader = new ChangeLogReader(this.connection, 42);
	}

	@AfterEach
	void close() throws Exception {
		this.connection.close();
	}

	private void insertRows(int count) throws Exception {
		for (int i = 0; i < count; i++) {
			execute(this.connection, "INSERT INTO t (v) VALUES ('row')");
		}
	}

	private static long[] ids(List<CapturedChange> changes) {
		return changes.stream().mapToLong(CapturedChange::id).toArray();
	}

	@Test
	void readAfterShouldReturnPendingChangesAfterTheIdInOrderUpToTheLimit() throws Exception {
		insertRows(5);
		assertThat(ids(this.reader.readAfter(0, 10))).containsExactly(1, 2, 3, 4, 5);
		assertThat(ids(this.reader.readAfter(2, 2))).containsExactly(3, 4);
		assertThat(this.reader.readAfter(5, 10)).isEmpty();
	}

	@Test
	void changeRecordedByTheTriggersOfARenamedTableShouldBeReadAsAChangeOfItsNewName() throws Exception {
		insertRows(1);
		assertThat(this.reader.readAfter(0, 10)).extracting((change) -> change.event().table()).containsExactly("t");
		// The last step of a rebuild; the triggers keep their names (and the table name they write) until made anew.
		execute(this.connection, "ALTER TABLE t RENAME TO t2");
		execute(this.connection, "INSERT INTO t2 (v) VALUES ('after the rename')");
		assertThat(this.reader.readAfter(0, 10)).extracting((change) -> change.event().table())
			.as("both sent as changes of the table's new name").containsExactly("t2", "t2");
	}

	@Test
	void deleteCapturedBeforeMigrationsThatCannotBeFollowedShouldBeSentWithItsKeyOnly() throws Exception {
		execute(this.connection, "CREATE TABLE p (id INTEGER PRIMARY KEY, email TEXT, legacy TEXT)");
		ChangeCapture capture = new ChangeCapture(this.connection, List.of(), List.of());
		capture.install();
		execute(this.connection, "INSERT INTO p VALUES (1, 'a@x', 'l'), (2, 'b@x', 'm')", "DELETE FROM p WHERE id = 1");
		// Renamed and dropped while the node was stopped: recorded as one step, which cannot be told apart.
		capture.removeTriggers();
		execute(this.connection, "ALTER TABLE p RENAME COLUMN email TO contact", "ALTER TABLE p DROP COLUMN legacy");
		capture.install();

		List<ChangeEvent> events = this.reader.readAfter(0, 10).stream().map(CapturedChange::event).toList();

		assertThat(events).extracting((event) -> event.operation() + " " + event.row().keySet())
			.as("the inserts as captured, refused visibly; the delete needs its key only, which still fits")
			.containsExactly("INSERT [id, email, legacy]", "INSERT [id, email, legacy]", "DELETE [id]");
	}

	@Test
	void readShouldStopOnceItHoldsAboutTheMostBytesButAlwaysReturnAChange() throws Exception {
		// Six 7 MB values: a read of up to 10 changes returns them three at a time (16 MB reached with the third).
		execute(this.connection, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6) "
				+ "INSERT INTO t (v) SELECT randomblob(7 * 1024 * 1024) FROM n");
		assertThat(ids(this.reader.readAfter(0, 10))).containsExactly(1, 2, 3);
		assertThat(ids(this.reader.readAfter(3, 10))).containsExactly(4, 5, 6);
		execute(this.connection, "INSERT INTO t (v) VALUES (randomblob(20 * 1024 * 1024))");
		assertThat(ids(this.reader.readAfter(6, 10))).as("larger than the bound by itself").containsExactly(7);
	}

	@Test
	void readAfterShouldBuildTheEventFromTheChangeLogRow() throws Exception {
		long before = System.currentTimeMillis();
		execute(this.connection, "INSERT INTO t VALUES (9, 'x')");
		long after = System.currentTimeMillis();
		CapturedChange change = this.reader.readAfter(0, 1).get(0);
		ChangeEvent event = change.event();
		assertThat(event.originNodeId()).isEqualTo(42);
		assertThat(event.changeId()).isEqualTo(change.id());
		assertThat(event.table()).isEqualTo("t");
		assertThat(event.operation()).isEqualTo(Operation.INSERT);
		assertThat(event.primaryKey()).containsExactly("id");
		assertThat(event.schemaHash()).isEmpty();
		// julianday() has millisecond resolution, computed in floating point: allow 1 ms of rounding.
		assertThat(event.committedAtMillis()).isBetween(before - 1, after + 1);
	}

	@Test
	void markPublishedShouldHideChangesFromReadAfterAndPendingCount() throws Exception {
		insertRows(4);
		this.reader.markPublished(new long[] { 1, 3 });
		assertThat(ids(this.reader.readAfter(0, 10))).containsExactly(2, 4);
		assertThat(this.reader.pendingCount()).isEqualTo(2);
		assertThat(this.reader.firstPendingId()).hasValue(2);
		assertThat(this.reader.resumeAfterId()).isEqualTo(1);
	}

	@Test
	void resumeAfterIdShouldBeTheLastIdWhenNothingIsPending() throws Exception {
		assertThat(this.reader.resumeAfterId()).isZero();
		assertThat(this.reader.firstPendingId()).isEmpty();
		insertRows(3);
		this.reader.markPublished(new long[] { 1, 2, 3 });
		assertThat(this.reader.resumeAfterId()).isEqualTo(3);
		assertThat(this.reader.firstPendingId()).isEmpty();
	}

	@Test
	void readSentAfterShouldReturnPendingAndPublishedChangesButNotFailedOnes() throws Exception {
		insertRows(4);
		this.reader.markPublished(new long[] { 1, 3 });
		this.reader.markFailed(2);

		assertThat(this.reader.readSentAfter(0, 10)).extracting(CapturedChange::id).containsExactly(1L, 3L, 4L);
		assertThat(this.reader.readSentAfter(1, 1)).extracting(CapturedChange::id).containsExactly(3L);
	}

	@Test
	void markFailedShouldKeepTheChangeOutOfReadsAndCleanup() throws Exception {
		insertRows(3);
		this.reader.markFailed(2);
		this.reader.markPublished(new long[] { 1, 3 });
		assertThat(this.reader.readAfter(0, 10)).isEmpty();
		assertThat(this.reader.failedCount()).isOne();
		this.reader.deletePublished();
		assertThat(query(this.connection, "SELECT id, state FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" ORDER BY id"))
			.containsExactly(List.of(2L, 2L), List.of(3L, 1L));
	}

	@Test
	void deletePublishedShouldDeleteOnlyPublishedRowsAndKeepTheHighestId() throws Exception {
		insertRows(5);
		this.reader.markPublished(new long[] { 1, 2, 5 });
		assertThat(this.reader.deletePublished()).isEqualTo(2);
		assertThat(ids(this.reader.readAfter(0, 10))).containsExactly(3, 4);
		this.reader.markPublished(new long[] { 3, 4 });
		assertThat(this.reader.deletePublished()).isEqualTo(2);
		assertThat(changeLogCount(this.connection)).isOne();
	}

	@Test
	void deletePublishedShouldDeleteLargeBacklogsInChunks() throws Exception {
		execute(this.connection, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25001) "
				+ "INSERT INTO t SELECT i, 'row' FROM n");
		long[] ids = java.util.stream.LongStream.rangeClosed(1, 25001).toArray();
		this.reader.markPublished(ids);
		assertThat(this.reader.pendingCount()).isZero();
		assertThat(this.reader.deletePublished()).isEqualTo(25000);
		assertThat(changeLogCount(this.connection)).isOne();
	}

	@Test
	void readAfterShouldRejectANonPositiveLimit() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.reader.readAfter(0, 0));
	}

	@Test
	void idsShouldNeverBeReusedAfterCleanup() throws Exception {
		insertRows(3);
		this.reader.markPublished(new long[] { 1, 2, 3 });
		this.reader.deletePublished();
		insertRows(1);
		assertThat(ids(this.reader.readAfter(0, 10))).containsExactly(4);
	}

	@Test
	void captureEpochShouldBeStableUntilUninstallAndNewAfterReinstall() throws Exception {
		long epoch = this.reader.captureEpoch();
		ChangeCapture capture = new ChangeCapture(this.connection, List.of(), List.of());
		capture.install();
		assertThat(new ChangeLogReader(this.connection, 42).captureEpoch()).isEqualTo(epoch).isNotZero();
		capture.uninstall();
		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(this.reader::captureEpoch)
			.withMessageContaining("not installed");
		capture.install();
		assertThat(this.reader.captureEpoch()).isNotEqualTo(epoch).isNotZero();
	}

	@Test
	void everyValueTypeShouldReadBackExactly() throws Exception {
		execute(this.connection, "CREATE TABLE v (id INTEGER PRIMARY KEY, any_value, int_value INTEGER, "
				+ "real_value REAL, text_value TEXT, blob_value BLOB, numeric_value NUMERIC)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		byte[] large = new byte[5 * 1024 * 1024];
		new Random(7).nextBytes(large);
		large[0] = 0;
		large[large.length - 1] = 0;
		List<@Nullable Object> values = new ArrayList<>();
		values.add(null);
		values.add(Long.MIN_VALUE);
		values.add(Long.MAX_VALUE);
		values.add(0L);
		values.add(-1L);
		values.add(3.141592653589793);
		values.add(-0.0);
		values.add(Double.MIN_VALUE);
		values.add(Double.MAX_VALUE);
		values.add(Double.POSITIVE_INFINITY);
		values.add(Double.NEGATIVE_INFINITY);
		values.add("");
		values.add("emoji 🎉👩‍👩‍👧, CJK 漢字かな한국어, quotes ' \" `, '); DROP TABLE t; --");
		values.add("line\nbreak\ttab\\backslash");
		values.add("12");
		values.add("1.5e3");
		values.add(new byte[0]);
		values.add(new byte[] { 0, 0, 1, 0, (byte) 0xff });
		values.add(large);
		try (PreparedStatement insert = this.connection.prepareStatement("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)")) {
			for (int i = 0; i < values.size(); i++) {
				insert.setLong(1, i);
				for (int column = 2; column <= 7; column++) {
					insert.setObject(column, values.get(i));
				}
				insert.executeUpdate();
			}
		}
		List<List<@Nullable Object>> stored = query(this.connection, "SELECT * FROM v ORDER BY id");
		List<List<@Nullable Object>> captured = this.reader.readAfter(0, 1000)
			.stream()
			.map(CapturedChange::event)
			.filter((event) -> event.table().equals("v"))
			.map((event) -> (List<@Nullable Object>) new ArrayList<>(event.row().values()))
			.toList();
		// Each captured value has the storage class and bits the table itself holds.
		assertThat(describe(captured)).isEqualTo(describe(stored));
		// A column without declared type keeps what was written, bit for bit.
		for (int i = 0; i < values.size(); i++) {
			assertThat(describe(captured.get(i).get(1))).as("value %d", i).isEqualTo(describe(values.get(i)));
		}
	}

	@Test
	void nanShouldBeCapturedAsNullBecauseSqliteStoresItAsNull() throws Exception {
		try (PreparedStatement insert = this.connection.prepareStatement("INSERT INTO t VALUES (1, ?)")) {
			insert.setDouble(1, Double.NaN);
			insert.executeUpdate();
		}
		assertThat(query(this.connection, "SELECT typeof(v) FROM t")).containsExactly(List.of("null"));
		assertThat(this.reader.readAfter(0, 1).get(0).event().row().get("v")).isNull();
	}

}
