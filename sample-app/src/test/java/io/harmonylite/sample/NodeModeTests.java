package io.harmonylite.sample;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.harmonylite.engine.HarmonyLiteEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the jar's standalone-node mode on an existing database and checks that its schema is left alone.
 */
@SpringBootTest
@ActiveProfiles(HarmonyLiteSampleApplication.NODE_PROFILE)
class NodeModeTests {

	@TempDir
	static Path tempDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws SQLException {
		Path database = tempDir.resolve("inventory.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE Items (sku TEXT PRIMARY KEY, quantity INTEGER)");
		}
		registry.add("harmonylite.db-path", database::toString);
		registry.add("harmonylite.node-id", () -> 2);
		registry.add("harmonylite.nats.embedded.port", () -> 0);
		registry.add("harmonylite.nats.embedded.store-dir", () -> tempDir.resolve("nats").toString());
	}

	@Autowired
	ApplicationContext context;

	@Autowired
	HarmonyLiteEngine engine;

	@Autowired
	JdbcClient jdbc;

	@Test
	void nodeRunsEngineOnTheGivenFile() {
		assertThat(this.engine.isRunning()).isTrue();
		assertThat(this.engine.config().nodeId()).isEqualTo(2);
		assertThat(this.engine.config().dbPath()).isEqualTo(tempDir.resolve("inventory.db"));
		assertThat(this.engine.config().ignoreTables()).isEmpty();
	}

	@Test
	void nodeDoesNotMigrateTheDatabase() {
		List<String> tables = this.jdbc
			.sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\'")
			.query(String.class)
			.list();
		assertThat(tables).containsExactly("Items");
	}

	@Test
	void nodeHasNoBooksApi() {
		assertThat(this.context.containsBean("booksController")).isFalse();
		assertThat(this.context.containsBean("bookRepository")).isFalse();
	}

}
