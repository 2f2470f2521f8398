package io.harmonylite.sample;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the Books demo (without starting replication) on a database whose {@code Books} table was created
 * beforehand, as with the sqlite3 CLI.
 */
@SpringBootTest
// Closed after the class, before its temporary directory (with the node\'s nats-server store) is deleted.
@DirtiesContext
class ExistingDatabaseTests {

	@TempDir
	static Path tempDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws SQLException {
		Path database = tempDir.resolve("existing.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author TEXT NOT NULL,"
					+ " publication_year INTEGER)");
			statement.execute("INSERT INTO Books VALUES (7, 'Emma', 'Jane Austen', 1815)");
		}
		registry.add("harmonylite.db-path", database::toString);
		// Flyway is the subject: the engine is built, not started, so no nats-server runs.
		registry.add("harmonylite.auto-startup", () -> false);
	}

	@Autowired
	JdbcClient jdbc;

	@Test
	void flywayAdoptsTheExistingDatabaseAndKeepsItsRows() {
		List<String> history = this.jdbc
			.sql("SELECT type || ':' || version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank")
			.query(String.class)
			.list();
		assertThat(history).containsExactly("BASELINE:0", "SQL:1", "SQL:2");
		assertThat(this.jdbc.sql("SELECT title FROM Books WHERE id = 7").query(String.class).single())
			.isEqualTo("Emma");
	}

}
