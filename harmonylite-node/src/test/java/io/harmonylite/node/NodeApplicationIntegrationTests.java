package io.harmonylite.node;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the standalone node on an existing database, with its embedded nats-server, and checks that it replicates
 * the file as it is, leaves its schema alone and serves only the Actuator endpoints.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Closed after the class, before its temporary directory (with the node\'s nats-server store) is deleted.
@DirtiesContext
class NodeApplicationIntegrationTests {

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
		registry.add("management.endpoint.harmonylitesnapshots.access", () -> "unrestricted");
	}

	@Autowired
	ApplicationContext context;

	@Autowired
	HarmonyLiteEngine engine;

	@LocalServerPort
	int port;

	@Test
	void nodeRunsEngineOnTheGivenFile() {
		assertThat(this.engine.isRunning()).isTrue();
		assertThat(this.engine.status().state()).isEqualTo(NodeState.RUNNING);
		assertThat(this.engine.config().nodeId()).isEqualTo(2);
		assertThat(this.engine.config().dbPath()).isEqualTo(tempDir.resolve("inventory.db"));
		// Migration tools' history tables are node-local also where no tool runs, as on a Spring node.
		assertThat(this.engine.config().ignoreTables()).containsExactly("flyway_schema_history", "DATABASECHANGELOG",
				"DATABASECHANGELOGLOCK");
		assertThat(this.engine.status().watchedTables()).containsExactly("Items");
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
	void nodeHasNoDataSource() {
		assertThat(this.context.getBeanNamesForType(DataSource.class)).isEmpty();
		assertThat(this.context.getEnvironment().getProperty("spring.web.resources.add-mappings")).isEqualTo("false");
	}

	@Test
	void nodeServesItsActuatorEndpoints() {
		RestClient client = RestClient.create("http://localhost:" + this.port);

		assertThat(client.get().uri("/actuator/health").retrieve().body(String.class)).contains("\"harmonylite\"");
		assertThat(client.get().uri("/actuator/harmonylite").retrieve().body(String.class)).contains("\"nodeId\":2");
		assertThat(client.get().uri("/actuator/prometheus").retrieve().body(String.class))
			.contains("harmonylite_changes_pending{node_id=\"2\"}");
	}

	@Test
	void nodeTakesListsAndRestoresSnapshotsOnItsActuatorEndpoint() {
		RestClient client = RestClient.create("http://localhost:" + this.port);

		String taken = client.post().uri("/actuator/harmonylitesnapshots").retrieve().body(String.class);
		Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(taken);
		assertThat(id.find()).as(taken).isTrue();
		assertThat(client.get().uri("/actuator/harmonylitesnapshots").retrieve().body(String.class))
			.contains(id.group(1), "\"store\":\"NATS object store bucket harmonylite-snapshots\"");
		assertThat(client.post().uri("/actuator/harmonylitesnapshots/newest").retrieve().body(String.class))
			.contains("\"restored\":true");
		Integer unknown = client.post()
			.uri("/actuator/harmonylitesnapshots/20990101T000000000Z-n9-aaaaaa")
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(unknown).isEqualTo(404);
		assertThat(this.engine.status().counters().snapshotRestores()).isPositive();
		assertThat(client.get().uri("/actuator/prometheus").retrieve().body(String.class))
			.contains("harmonylite_snapshot_taken_total{node_id=\"2\"}", "harmonylite_snapshot_age_seconds{node_id=\"2\"}");
	}

}
