package io.harmonylite.apply;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.event.ChangeEvent;
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
 * A full disk ({@code SQLITE_FULL}, provoked with {@code PRAGMA max_page_count} on the applier's connection) that
 * strikes while the stream position or a row's version is written: sqlite-jdbc finalizes the failing statement, so
 * the applier must prepare it again; once there is room the same batch applies.
 */
class FullDiskRecoveryTests {

	private static final String STREAM = "changes-0";

	@TempDir
	Path directory;

	private TestDatabase database;

	private Connection connection;

	private ChangeApplier applier;

	@BeforeEach
	void open() {
		this.database = new TestDatabase(this.directory);
		this.connection = SqliteConnections.open(this.database.file());
		this.applier = new ChangeApplier(this.connection, Clock.systemUTC(), ConflictSettings.applyOnly(),
				new ConflictStats());
	}

	@AfterEach
	void close() throws SQLException {
		this.applier.close();
		this.database.close();
	}

	@Test
	void positionWriteOnAFullDiskShouldFailAndSucceedOnceThereIsRoom() throws SQLException {
		this.database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
		this.applier.apply(List.of(TestDatabase.upsert(STREAM, 1, "t", row("id", 1L, "v", "a"))));
		// A stream name this long needs new pages in the position table; the row update fits in place.
		String longStream = "s".repeat(20_000);
		List<PositionedChange> batch = List.of(TestDatabase.change(longStream, 1, "t", Operation.UPDATE,
				List.of("id"), row("id", 1L, "v", "b")));
		fillDisk();
		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(() -> this.applier.apply(batch))
			.withStackTraceContaining("SQLITE_FULL");
		makeRoom();

		this.applier.apply(batch);

		assertThat(this.applier.position(longStream)).isEqualTo(1);
		assertThat(this.database.query("SELECT v FROM t")).containsExactly(List.of("b"));
		this.applier.apply(List.of(TestDatabase.upsert(STREAM, 2, "t", row("id", 2L, "v", "c"))));
		assertThat(this.applier.position(STREAM)).isEqualTo(2);
	}

	@Test
	void versionWriteOnAFullDiskShouldFailAndSucceedOnceThereIsRoom() throws SQLException {
		// Deleting the row frees no page, while its tombstone keeps the row's values as a ghost in the version table,
		// whose records spill to new overflow pages beyond about 1 KB.
		String text = "x".repeat(3_000);
		this.database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
		this.database.query("INSERT INTO t VALUES (1, ?) RETURNING id", text);
		fillDisk();
		List<PositionedChange> batch = List.of(versioned(1, Operation.DELETE, row("id", 1L, "v", text)));
		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(() -> this.applier.apply(batch))
			.withStackTraceContaining("SQLITE_FULL");
		makeRoom();

		this.applier.apply(batch);

		assertThat(this.applier.position(STREAM)).isEqualTo(1);
		assertThat(this.database.count("t")).isZero();
		this.applier.apply(List.of(versioned(2, Operation.INSERT, row("id", 2L, "v", "y"))));
		assertThat(this.database.query("SELECT tombstone IS NULL FROM __harmonylite__row_version ORDER BY pk"))
			.containsExactly(List.of(0L), List.of(1L));
	}

	private static PositionedChange versioned(long sequence, Operation operation,
			Map<String, @Nullable Object> row) {
		long now = System.currentTimeMillis();
		ChangeEvent event = new ChangeEvent(2, sequence, "t", operation, row, List.of("id"), now, "",
				Version.hlcOf(now) + sequence, null);
		return new PositionedChange(event, new StreamPosition(STREAM, sequence));
	}

	private void fillDisk() throws SQLException {
		long pages = (Long) this.database.query("PRAGMA page_count").get(0).get(0);
		setMaxPageCount(pages);
	}

	private void makeRoom() throws SQLException {
		setMaxPageCount(1_000_000);
	}

	private void setMaxPageCount(long pages) throws SQLException {
		// max_page_count is per connection: the applier's own hits SQLITE_FULL.
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("PRAGMA max_page_count = " + pages);
		}
	}

}
