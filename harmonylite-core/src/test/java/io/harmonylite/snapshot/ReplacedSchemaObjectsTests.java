package io.harmonylite.snapshot;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a restore replaces of the node's own schema objects, which the schema hash does not cover.
 */
class ReplacedSchemaObjectsTests {

	@Test
	void constraintsTriggersIndexesAndViewsThatDifferShouldBeNamedButNotTheTablesThisNodeKeeps() throws SQLException {
		try (Connection live = database("CREATE TABLE bad (id INTEGER PRIMARY KEY, v TEXT, n INTEGER)",
				"CREATE INDEX bad_v ON bad (v)", "CREATE VIEW big AS SELECT * FROM bad WHERE n > 10",
				"CREATE TABLE same (id INTEGER PRIMARY KEY)", "CREATE TABLE local_only (id INTEGER PRIMARY KEY)",
				"CREATE INDEX local_only_id ON local_only (id)", "CREATE TABLE __harmonylite__x (a)");
				Connection image = database("CREATE TABLE bad (id INTEGER PRIMARY KEY, v TEXT UNIQUE, n INTEGER CHECK (n < 100))",
						"CREATE TRIGGER bad_boom BEFORE INSERT ON bad WHEN NEW.n = 13 BEGIN SELECT RAISE(ABORT, 'no'); END",
						"CREATE TABLE same (id INTEGER PRIMARY KEY)", "CREATE TABLE __harmonylite__x (b)")) {
			assertThat(ReplacedSchemaObjects.between(live, image)).containsExactly("index 'bad_v' (only here: dropped)",
					"table 'bad' (defined differently)", "trigger 'bad_boom' (only in the snapshot)",
					"view 'big' (only here: dropped)");
			assertThat(ReplacedSchemaObjects.between(image, image)).isEmpty();
		}
	}

	private static Connection database(String... statements) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:");
		try (Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		return connection;
	}

}
