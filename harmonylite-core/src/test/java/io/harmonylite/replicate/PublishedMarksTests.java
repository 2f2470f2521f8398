package io.harmonylite.replicate;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The marks of acknowledged changes against a real change log: written by their own thread within the interval, and
 * all of them when stopped.
 */
class PublishedMarksTests {

	@TempDir
	Path directory;

	private Connection connection;

	private ChangeLogReader reader;

	@BeforeEach
	void open() throws Exception {
		this.connection = SqliteConnections.open(this.directory.resolve("app.db"));
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
		}
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100) "
					+ "INSERT INTO t SELECT x, 'row' FROM n");
		}
		this.reader = new ChangeLogReader(this.connection, 1);
	}

	@AfterEach
	void close() throws Exception {
		this.connection.close();
	}

	@Test
	void changesHandedOverShouldBeMarkedByTheMarkingThreadWithinTheInterval() throws Exception {
		PublishedMarks marks = new PublishedMarks(this.reader, 1, Duration.ofMillis(20));
		marks.start();
		try {
			marks.add(this.reader.readAfter(0, 60));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.reader.pendingCount() == 40);
		}
		finally {
			marks.stop();
		}
	}

	@Test
	void stopShouldReturnPromptlyAndMarkEverythingHandedOverWhileTheMarkingThreadIsBusy() throws Exception {
		List<CapturedChange> changes = this.reader.readAfter(0, 100);
		for (int round = 0; round < 20; round++) {
			PublishedMarks marks = new PublishedMarks(this.reader, 1, Duration.ofNanos(1));
			marks.start();
			Thread handing = new Thread(() -> changes.forEach((change) -> marks.add(List.of(change))));
			handing.start();
			handing.join();
			// The marking thread is busy marking (every 1 ns) and looking at its queue while stop() waits for it.
			assertTimeoutPreemptively(Duration.ofSeconds(10), marks::stop);
			assertThat(this.reader.pendingCount()).isZero();
			try (Statement statement = this.connection.createStatement()) {
				statement.execute("UPDATE \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" SET state = 0");
			}
		}
	}

}
