package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ManualPauses} kept by a {@link MetaPauseStore} in a SQLite file: pauses outlive the object, resumes
 * remove them.
 */
class ManualPausesTests {

	private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

	@TempDir
	Path dir;

	@Test
	void pauseShouldBeStoredAndLoadedByTheNextNode() throws Exception {
		try (Connection connection = installed()) {
			ManualPauses pauses = new ManualPauses(1, new MetaPauseStore(connection));
			assertThat(pauses.pause(2, AT)).isTrue();
			assertThat(pauses.pause(2, AT.plusSeconds(60))).as("already paused").isFalse();
		}

		try (Connection connection = SqliteConnections.open(this.dir.resolve("node.db"))) {
			ManualPauses reloaded = new ManualPauses(1, new MetaPauseStore(connection));
			assertThat(reloaded.all()).containsExactly(Map.entry(2, AT));
			assertThat(reloaded.isPaused(2)).isTrue();
			assertThat(reloaded.since(2)).isEqualTo(AT);
			assertThat(reloaded.isPaused(0)).isFalse();
		}
	}

	@Test
	void resumeShouldRemoveTheStoredPause() throws Exception {
		try (Connection connection = installed()) {
			ManualPauses pauses = new ManualPauses(1, new MetaPauseStore(connection));
			pauses.pause(0, AT);

			assertThat(pauses.resume(0)).isTrue();
			assertThat(pauses.resume(0)).as("no longer paused").isFalse();
			assertThat(new ManualPauses(1, new MetaPauseStore(connection)).all()).isEmpty();
		}
	}

	@Test
	void pauseThatCannotBeStoredShouldNotTakeEffect() throws Exception {
		try (Connection connection = installed()) {
			ManualPauses pauses = new ManualPauses(1, new MetaPauseStore(connection));
			try (Statement statement = connection.createStatement()) {
				statement.execute("DROP TABLE \"" + ChangeCapture.META_TABLE + "\"");
			}

			assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(() -> pauses.pause(1, AT))
				.withMessageContaining("Could not store the pause of shard 1");
			assertThat(pauses.isPaused(1)).isFalse();
		}
	}

	private Connection installed() throws Exception {
		Connection connection = SqliteConnections.open(this.dir.resolve("node.db"));
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS books (id INTEGER PRIMARY KEY)");
		}
		new ChangeCapture(connection, List.of(), List.of()).install();
		return connection;
	}

}
