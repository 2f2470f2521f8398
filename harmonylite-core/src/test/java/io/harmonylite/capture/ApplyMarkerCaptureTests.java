package io.harmonylite.capture;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.capture.CaptureTestSupport.count;
import static io.harmonylite.capture.CaptureTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;

class ApplyMarkerCaptureTests {

	@TempDir
	Path directory;

	private Connection app;

	private Connection applier;

	@BeforeEach
	void open() throws Exception {
		Path database = this.directory.resolve("app.db");
		this.app = SqliteConnections.open(database);
		this.applier = SqliteConnections.open(database);
		execute(this.app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
		new ChangeCapture(this.app, List.of(), List.of()).install();
	}

	@AfterEach
	void close() throws Exception {
		this.app.close();
		this.applier.close();
	}

	private List<Object> capturedIds() {
		return new ChangeLogReader(this.app, 1).readAfter(0, 100)
			.stream()
			.map(CapturedChange::event)
			.map((ChangeEvent event) -> event.row().get("id"))
			.toList();
	}

	@Test
	void writeWhileMarkerIsSetShouldNotBeCapturedButLaterWritesShould() throws Exception {
		this.applier.setAutoCommit(false);
		ApplyMarker.set(this.applier);
		execute(this.applier, "INSERT INTO t VALUES (1, 'applied')", "UPDATE t SET v = 'again' WHERE id = 1");
		ApplyMarker.clear(this.applier);
		this.applier.commit();
		this.applier.setAutoCommit(true);
		execute(this.app, "INSERT INTO t VALUES (2, 'local')");
		execute(this.applier, "DELETE FROM t WHERE id = 1");
		assertThat(capturedIds()).containsExactly(2L, 1L);
		assertThat(count(this.app, "SELECT count(*) FROM \"" + ApplyMarker.TABLE + "\"")).isZero();
	}

	@Test
	void markerShouldBeInvisibleToOtherConnectionsAndTheirConcurrentWritesCaptured() throws Exception {
		this.applier.setAutoCommit(false);
		ApplyMarker.set(this.applier);
		execute(this.applier, "INSERT INTO t VALUES (1, 'applied')");
		assertThat(count(this.app, "SELECT count(*) FROM \"" + ApplyMarker.TABLE + "\"")).isZero();
		// Waits on the applier's write lock (busy timeout), then writes after the commit.
		CompletableFuture<Void> concurrentWrite = CompletableFuture.runAsync(() -> {
			try {
				execute(this.app, "INSERT INTO t VALUES (2, 'local')");
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		ApplyMarker.clear(this.applier);
		this.applier.commit();
		concurrentWrite.get(30, TimeUnit.SECONDS);
		assertThat(capturedIds()).containsExactly(2L);
	}

	@Test
	void rolledBackApplyShouldLeaveNoMarkerBehind() throws Exception {
		this.applier.setAutoCommit(false);
		ApplyMarker.set(this.applier);
		execute(this.applier, "INSERT INTO t VALUES (1, 'applied')");
		this.applier.rollback();
		this.applier.setAutoCommit(true);
		execute(this.app, "INSERT INTO t VALUES (2, 'local')");
		assertThat(capturedIds()).containsExactly(2L);
	}

}
