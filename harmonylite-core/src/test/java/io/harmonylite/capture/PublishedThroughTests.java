package io.harmonylite.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.capture.CaptureTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PublishedThrough}: the record beside the database of how far its change log reached, and the start's
 * check against it.
 */
class PublishedThroughTests {

	@TempDir
	Path dir;

	@Test
	void startWithAnEmptyChangeLogShouldKeepItsEpochOnRecordSoThatTheNextStartFindsNothing() throws Exception {
		Path db = this.dir.resolve("app.db");
		try (Connection connection = capturedDatabase(db)) {
			ChangeLogReader changeLog = new ChangeLogReader(connection, 1);
			// A former run's record, of another epoch and further on: an older copy put in place.
			new PublishedThrough(db, changeLog.captureEpoch() + 1, (id) -> 9L).recordStart(40);
			assertThat(PublishedThrough.wentBack(db, connection)).contains("an older copy of the file");

			PublishedThrough.start(db, changeLog);

			assertThat(changeLog.lastChangeId()).isZero();
			assertThat(PublishedThrough.wentBack(db, connection)).isNull();
		}
	}

	@Test
	void changeNotPublishedAtTheStartShouldNotBeRecordedWithItsVersionWhichIsNotFinalYet() throws Exception {
		Path db = this.dir.resolve("app.db");
		try (Connection connection = capturedDatabase(db)) {
			execute(connection, "INSERT INTO books VALUES (1)");
			ChangeLogReader changeLog = new ChangeLogReader(connection, 1);

			PublishedThrough.start(db, changeLog);
			// The recorder then makes the pending change's version final.
			execute(connection, "UPDATE \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" SET ver = ver + 1000 WHERE id = 1");

			assertThat(PublishedThrough.wentBack(db, connection)).isNull();
		}
	}

	@Test
	void failureToReadAVersionShouldOnlyLeaveTheRecordAsItWas() throws Exception {
		Path db = this.dir.resolve("app.db");
		PublishedThrough record = new PublishedThrough(db, 7, (id) -> {
			throw new IllegalStateException("database is locked");
		});

		record.record(5);

		assertThat(PublishedThrough.fileOf(db)).doesNotExist();
	}

	@Test
	void tornRecordShouldBeIgnored() throws Exception {
		Path db = this.dir.resolve("app.db");
		try (Connection connection = capturedDatabase(db)) {
			long epoch = new ChangeLogReader(connection, 1).captureEpoch();
			Files.writeString(PublishedThrough.fileOf(db), epoch + " 12 3");

			assertThat(PublishedThrough.wentBack(db, connection)).isNull();

			Files.writeString(PublishedThrough.fileOf(db), epoch + " 12 3\n");
			assertThat(PublishedThrough.wentBack(db, connection)).contains("ends at change 0");
		}
	}

	private static Connection capturedDatabase(Path db) throws Exception {
		Connection connection = SqliteConnections.open(db);
		execute(connection, "CREATE TABLE books (id INTEGER PRIMARY KEY)");
		new ChangeCapture(connection, List.of(), List.of()).install();
		return connection;
	}

}
