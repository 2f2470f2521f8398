package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.capture.ApplyMarker;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.replicate.Signal;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publisher is woken for captured changes only, on a real database with capture: commits that capture nothing
 * (applied changes, marks) are told to whoever waits for any change, not to the publisher.
 */
class CaptureWakeTests {

	@TempDir
	Path directory;

	private TestDatabase database;

	private Connection connection;

	private final AtomicInteger publisherWakes = new AtomicInteger();

	private final Signal databaseChanged = new Signal();

	private CaptureWake wake;

	@BeforeEach
	void open() throws Exception {
		this.database = new TestDatabase(this.directory.resolve("node.db"));
		this.database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
		this.connection = SqliteConnections.open(this.database.path());
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		ApplyMarker.install(this.connection);
		this.wake = new CaptureWake(new ChangeLogReader(this.connection, 1), this.publisherWakes::incrementAndGet,
				this.databaseChanged);
	}

	@AfterEach
	void close() throws Exception {
		this.connection.close();
	}

	@Test
	void firstCallShouldWakeThePublisherToCatchUp() throws Exception {
		this.wake.run();
		assertThat(this.publisherWakes).hasValue(1);
		assertThat(this.databaseChanged.await(Duration.ZERO)).isTrue();
	}

	@Test
	void capturedChangeShouldWakeThePublisherAndOtherCommitsOnlyThoseWaitingForAnyChange() throws Exception {
		this.wake.run();
		this.database.execute("INSERT INTO t VALUES (1, 'captured')");
		this.wake.run();
		assertThat(this.publisherWakes).hasValue(2);

		this.databaseChanged.await(Duration.ZERO);
		this.database.execute(ApplyMarker.SET_SQL, "INSERT INTO t VALUES (2, 'applied')", ApplyMarker.CLEAR_SQL);
		this.wake.run();
		this.database.execute("UPDATE \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" SET state = 1");
		this.wake.run();
		assertThat(this.publisherWakes).as("an applied change and a mark capture nothing").hasValue(2);
		assertThat(this.databaseChanged.await(Duration.ZERO)).isTrue();

		this.database.execute("UPDATE t SET v = 'captured again' WHERE id = 2");
		this.wake.run();
		assertThat(this.publisherWakes).hasValue(3);
	}

}
