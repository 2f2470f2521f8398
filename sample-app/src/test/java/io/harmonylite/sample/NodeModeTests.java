package io.harmonylite.sample;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.harmonylite.ConfigException;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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


	@Test
	void nodeRunsEngineOnTheGivenFile() {
		assertThat(this.engine.isRunning()).isTrue();
		assertThat(this.engine.config().nodeId()).isEqualTo(2);
		assertThat(this.engine.config().dbPath()).isEqualTo(tempDir.resolve("inventory.db"));
		assertThat(this.engine.config().ignoreTables()).isEmpty();
	}

	@Test
	void nodeDoesNotMigrateTheDatabase() throws SQLException {
		List<String> tables = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + tempDir.resolve("inventory.db"));
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
						+ "AND name NOT LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\' ORDER BY name")) {
			while (rows.next()) {
				tables.add(rows.getString(1));
			}
		}
		assertThat(tables).containsExactly("Items");
	}

	@Test
	void nodeHasNoDataSourceAndNoBooksApi() {
		assertThat(this.context.getBeanNamesForType(DataSource.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(Flyway.class)).isEmpty();
		assertThat(this.context.containsBean("booksController")).isFalse();
	}

	@Test
	void nodeHasNoNotesPage() {
		assertThat(this.context.containsBean("notesController")).isFalse();
		assertThat(this.context.containsBean("nodeController")).isFalse();
		assertThat(this.context.getEnvironment().getProperty("spring.web.resources.add-mappings")).isEqualTo("false");
	}

	@Test
	void nodeWithoutDbPathShouldFailNamingIt() {
		SpringApplication application = new SpringApplication(HarmonyLiteSampleApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setAdditionalProfiles(HarmonyLiteSampleApplication.NODE_PROFILE);

		assertThatThrownBy(() -> application.run("--harmonylite.node-id=1")).rootCause()
			.isInstanceOfSatisfying(ConfigException.class,
					(ex) -> assertThat(ex.property()).isEqualTo("harmonylite.db-path"))
			.hasMessageContaining("is required in node mode");
	}

}
