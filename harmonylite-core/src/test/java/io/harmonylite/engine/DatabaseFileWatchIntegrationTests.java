package io.harmonylite.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running node whose database file is replaced under it (as by {@code mv copy.db node.db}) says so: its
 * connections keep the old file, so it no longer replicates the file at its path.
 */
class DatabaseFileWatchIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "file-watch");

	@Test
	void nodeWhoseDatabaseFileIsReplacedShouldReportItUntilTheFileIsPutBack() throws Exception {
		List<TestDatabase> dbs = this.nodes.databases(1, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		Path file = dbs.get(0).path();
		HarmonyLiteEngine node = this.nodes.start(1, dbs.get(0));
		assertThat(node.status().problems()).isEmpty();
		Path original = file.resolveSibling("original.db");
		Files.createLink(original, file);
		// A consistent copy, as sqlite3's .backup makes it (the file alone lacks what its WAL holds).
		Path copy = file.resolveSibling("copy.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement()) {
			statement.execute("VACUUM INTO '" + copy + "'");
		}

		Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING);

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node.status().problems()).singleElement()
			.satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DATABASE_REPLACED);
				assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
				assertThat(problem.reason()).contains("replaced by another file");
			}));

		Files.move(original, file, StandardCopyOption.REPLACE_EXISTING);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node.status().problems()).isEmpty());
	}

}
