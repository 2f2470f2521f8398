package io.harmonylite.schema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaChangeDetectorTests {

	@TempDir
	Path directory;

	@Test
	void noDdlShouldReportNoChange() throws SQLException {
		try (Connection application = open(); Connection own = open()) {
			execute(application, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
			SchemaChangeDetector detector = new SchemaChangeDetector(own);
			execute(application, "INSERT INTO Books (title) VALUES ('Dune')");
			assertThat(detector.changed()).isFalse();
			assertThat(detector.changed()).isFalse();
		}
	}

	@Test
	void addColumnThroughAnotherConnectionShouldBeSeenOnce() throws SQLException {
		try (Connection application = open(); Connection own = open()) {
			execute(application, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
			SchemaChangeDetector detector = new SchemaChangeDetector(own);
			long before = detector.schemaVersion();
			execute(application, "ALTER TABLE Books ADD COLUMN email TEXT");
			assertThat(detector.schemaVersion()).isGreaterThan(before);
			assertThat(detector.changed()).isTrue();
			assertThat(detector.changed()).isFalse();
		}
	}

	@Test
	void everyKindOfDdlShouldBeSeen() throws SQLException {
		try (Connection application = open(); Connection own = open()) {
			SchemaChangeDetector detector = new SchemaChangeDetector(own);
			execute(application, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)");
			assertThat(detector.changed()).isTrue();
			execute(application, "CREATE INDEX t_b ON t (b)");
			assertThat(detector.changed()).isTrue();
			execute(application, "ALTER TABLE t DROP COLUMN a");
			assertThat(detector.changed()).isTrue();
			execute(application, "DROP TABLE t");
			assertThat(detector.changed()).isTrue();
		}
	}

	private Connection open() {
		return SqliteConnections.open(this.directory.resolve("node.db"));
	}

	static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
