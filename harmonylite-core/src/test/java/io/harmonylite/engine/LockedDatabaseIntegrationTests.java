package io.harmonylite.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.harmonylite.testsupport.ChildProcesses;
import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node's database held by another process's open transaction (an operator's {@code sqlite3} shell): the node says
 * so within seconds, as the batch waiting for the database rather than as a stalled NATS consumer, and applies what
 * it waited for once the transaction ends.
 */
class LockedDatabaseIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "locked");

	@RegisterExtension
	final ChildProcesses processes = new ChildProcesses();

	@TempDir
	Path dir;

	@Test
	void batchWaitingForAnotherProcesssTransactionShouldBeReportedAsSuchAndAppliedAfterIt() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine writer = this.nodes.start(1, dbs.get(0));
		HarmonyLiteEngine locked = this.nodes.start(2, dbs.get(1));
		Path release = this.dir.resolve("release");
		Path holding = this.dir.resolve("holding");
		Path script = this.dir.resolve("hold.sql");
		// The shell takes the write lock and keeps its transaction open until the test lets it go.
		Files.writeString(script, "BEGIN IMMEDIATE;\n.shell touch " + holding + "\n.shell while [ ! -e " + release
				+ " ]; do sleep 0.05; done\nCOMMIT;\n", StandardCharsets.UTF_8);
		Process shell = this.processes
			.start(ChildProcesses.sqlite3Script(dbs.get(1).path(), script, this.dir.resolve("sqlite3.log")));
		await().atMost(TIMEOUT).until(() -> Files.exists(holding));

		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune')");

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(locked.status().problems())
			.anySatisfy((problem) -> {
				assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_HEAD_FAILING);
				assertThat(problem.reason()).contains("waits for the database");
			}));
		assertThat(locked.status().problems()).as("the consumer is not taken for stalled")
			.noneMatch((problem) -> problem.kind() == EngineStatus.ProblemKind.SHARD_STALLED);
		assertThat(dbs.get(1).count("Books")).isZero();

		Files.createFile(release);
		assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 1);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(locked.status().problems()).isEmpty());
		assertThat(writer.status().problems()).isEmpty();
	}

}
