package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a start that fails after installing capture (here at step 4: no NATS answers) leaves in the database: nothing
 * in a file that had no capture before, the capture it had in a file that had one.
 */
class FailedStartTests {

	private static final String HARMONYLITE_OBJECTS = "SELECT name FROM sqlite_schema WHERE substr(name, 1, 15) = "
			+ "'__harmonylite__' ORDER BY name";

	@TempDir
	Path dir;

	@Test
	void failedFirstStartShouldRemoveTheCaptureItInstalled() {
		TestDatabase db = database();

		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> engine(db).start());

		assertThat(db.rows(HARMONYLITE_OBJECTS)).as("HarmonyLite objects left").isEmpty();
		db.execute("INSERT INTO books (id, title) VALUES (1, 'written after the failed start')");
		assertThat(db.rows("SELECT title FROM books")).containsExactly("written after the failed start");
	}

	@Test
	void failedRestartShouldKeepTheCaptureTheDatabaseHad() throws Exception {
		TestDatabase db = database();
		try (Connection connection = SqliteConnections.open(db.path())) {
			new ChangeCapture(connection, List.of(), List.of()).install();
		}
		List<String> before = db.rows(HARMONYLITE_OBJECTS);

		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> engine(db).start());

		assertThat(db.rows(HARMONYLITE_OBJECTS)).containsAll(before).anyMatch((name) -> name.contains("books"));
	}

	private TestDatabase database() {
		TestDatabase db = new TestDatabase(this.dir.resolve("node.db"));
		db.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
		return db;
	}

	private HarmonyLiteEngine engine(TestDatabase db) {
		// Nothing listens on the port, and the node does not retry: the start fails at step 4.
		NatsConfig unreachable = new NatsConfig(List.of("nats://127.0.0.1:" + FreePorts.one()), null, null, null, null,
				null, null, null, 0, Duration.ofMillis(100), EmbeddedNatsConfig.defaults(), null);
		return HarmonyLiteEngine.builder(HarmonyLiteConfig.builder().nodeId(1).dbPath(db.path()).nats(unreachable)
			.build()).build();
	}

}
