package io.harmonylite.schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DDL made by another process, the {@code sqlite3} CLI, while the node keeps its connection open.
 */
class SchemaChangeDetectorIntegrationTests {

	@TempDir
	Path directory;

	@Test
	void addColumnThroughSqliteCliShouldBeSeenAndChangeTheHash() throws Exception {
		Path database = this.directory.resolve("node.db");
		try (Connection own = SqliteConnections.open(database)) {
			SchemaChangeDetectorTests.execute(own, SchemaHasherTests.BOOKS_DDL);
			SchemaReader reader = new SchemaReader(own);
			SchemaChangeDetector detector = new SchemaChangeDetector(own);
			assertThat(SchemaHasher.hash(reader.tables(List.of("Books")))).isEqualTo(SchemaHasherTests.BOOKS_HASH);

			sqlite3(database, "ALTER TABLE Books ADD COLUMN email TEXT;");

			assertThat(detector.changed()).isTrue();
			assertThat(SchemaHasher.hash(reader.tables(List.of("Books"))))
				.isEqualTo(SchemaHasherTests.BOOKS_WITH_EMAIL_HASH);
			assertThat(detector.changed()).isFalse();
		}
	}

	private static void sqlite3(Path database, String sql) throws IOException, InterruptedException, SQLException {
		Process process = new ProcessBuilder("sqlite3", database.toString(), sql).redirectErrorStream(true).start();
		try {
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("sqlite3 finished").isTrue();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.exitValue()).as("sqlite3 exit code, output: %s", output).isZero();
		}
		finally {
			process.destroyForcibly();
		}
	}

}
