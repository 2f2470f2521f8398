package io.harmonylite.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.nats.embedded.EmbeddedNatsServer;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.ChildProcesses;
import io.harmonylite.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to a node with an embedded nats-server whose application still writes while it drains (as a web server's
 * last requests): the embedded server stays up for the node's orderly stop, which sends the write, and is gone once
 * the JVM is.
 */
class GracefulShutdownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@RegisterExtension
	final ChildProcesses processes = new ChildProcesses();

	@Test
	void writeMadeWhileTheApplicationDrainsShouldBeSentBeforeTheEmbeddedServerStops() throws Exception {
		TestDatabase db = new TestDatabase(this.dir.resolve("node.db"));
		db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)", "INSERT INTO Books VALUES (1, 'before')");
		Path store = this.dir.resolve("store");
		Path log = this.dir.resolve("node.log");
		Process node = this.processes.start(ChildProcesses
			.java(ShutdownWriteMain.class, db.path().toString(), store.toString(), Integer.toString(FreePorts.one()))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile()));
		await().atMost(TIMEOUT).until(() -> Files.readString(log).contains("NODE STARTED"));
		long serverPid = Long.parseLong(Files.readString(store.resolve(EmbeddedNatsServer.PID_FILE)).strip());

		node.destroy();

		assertThat(node.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(db.count("Books")).isEqualTo(2);
		try (Connection connection = SqliteConnections.open(db.path())) {
			assertThat(new ChangeLogReader(connection, 1).pendingCount()).as("unsent at exit; log:%n%s",
					Files.readString(log)).isZero();
		}
		await().atMost(TIMEOUT)
			.until(() -> ProcessHandle.of(serverPid).map((server) -> !server.isAlive()).orElse(true));
	}

}
