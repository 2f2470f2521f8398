package io.harmonylite.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.capture.CaptureTestSupport.count;
import static io.harmonylite.capture.CaptureTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CaptureRemoval}: what uninstalling capture from a file removes, counts and leaves alone.
 */
class CaptureRemovalTests {

	@TempDir
	Path dir;

	@Test
	void uninstallShouldDropEveryHarmonyLiteObjectCountTheUnsentChangesAndKeepTheData() throws Exception {
		Path db = this.dir.resolve("app.db");
		try (Connection connection = SqliteConnections.open(db)) {
			execute(connection, "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)");
			new ChangeCapture(connection, List.of(), List.of()).install();
			execute(connection, "INSERT INTO books VALUES (1, 'a'), (2, 'b')");
		}

		CaptureRemoval removal = CaptureRemoval.uninstall(db);

		assertThat(removal.objectsDropped()).isGreaterThanOrEqualTo(3 + 3);
		assertThat(removal.unsentChanges()).isEqualTo(2);
		assertThat(removal.describe()).startsWith("Removed " + removal.objectsDropped() + " HarmonyLite")
			.contains("2 captured change(s) not yet sent were discarded")
			.endsWith("User tables and data are unchanged.");
		try (Connection connection = SqliteConnections.open(db)) {
			assertThat(count(connection, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_\\_harmonylite\\_\\_%' "
					+ "ESCAPE '\\'")).isZero();
			assertThat(count(connection, "SELECT count(*) FROM books")).isEqualTo(2);
		}
	}

	@Test
	void uninstallWithoutCaptureShouldRemoveNothing() throws Exception {
		Path db = this.dir.resolve("plain.db");
		try (Connection connection = SqliteConnections.open(db)) {
			execute(connection, "CREATE TABLE books (id INTEGER PRIMARY KEY)");
		}

		CaptureRemoval removal = CaptureRemoval.uninstall(db);

		assertThat(removal).isEqualTo(new CaptureRemoval(db, 0, 0));
		assertThat(removal.describe()).isEqualTo("No HarmonyLite capture found in " + db + "; nothing removed.");
	}

	@Test
	void uninstallOfAMissingFileShouldNotCreateIt() {
		Path db = this.dir.resolve("missing.db");

		assertThat(CaptureRemoval.uninstall(db).objectsDropped()).isZero();
		assertThat(Files.exists(db)).isFalse();
	}

}
