package io.harmonylite.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.harmonylite.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The root launcher {@code ./harmonylite}: the original tool's flags, with one or two dashes, on the packaged node jar.
 */
class LauncherIntegrationTests {

	private static final Path MODULE = Path.of("").toAbsolutePath();

	private static final Path ROOT = MODULE.getParent();

	@TempDir
	Path tempDir;

	@Test
	void versionShouldPrintTheVersion() throws Exception {
		Result result = launch("--version");

		assertThat(result.exitCode()).isZero();
		assertThat(result.output()).startsWith("HarmonyLite v");
	}

	@Test
	void originalFlagsWithOneDashShouldRunTheStandaloneNodeCommand() throws Exception {
		Path database = booksDatabase();

		Result result = launch("-node-id", "2", "-db-path", database.toString(), "-schema-status");

		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).startsWith("Schema Status for Node 2").contains("Watched Tables: Books");
	}

	@Test
	void clusterFlagsShouldAcceptPeerUrlsWithTrailingSlashes() throws Exception {
		Path database = booksDatabase();
		int unused = FreePorts.one();

		// No node runs: the command reaches the point of asking NATS, so the flags made a valid configuration.
		Result result = launch("--node-id=1", "--db-path", database.toString(), "--cluster-addr", "localhost:4299",
				"--cluster-peers", "nats://localhost:4298/,nats://localhost:4297/",
				"--harmonylite.nats.embedded.port=" + unused, "--harmonylite.nats.connect-retries=0",
				"--schema-status-cluster");

		assertThat(result.exitCode()).as(result.output()).isEqualTo(3);
		assertThat(result.output()).contains("nats://127.0.0.1:" + unused);
	}

	@Test
	void emptyClusterPeersShouldMeanThatThisNodeIsTheFirstOfItsCluster() throws Exception {
		Path database = booksDatabase();
		int unused = FreePorts.one();

		// As the original tool accepted: --cluster-peers "" is a value (no peers), not a missing one (exit 1).
		Result result = launch("--node-id=1", "--db-path", database.toString(), "--cluster-addr", "localhost:4299",
				"--cluster-peers", "", "--harmonylite.nats.embedded.port=" + unused,
				"--harmonylite.nats.connect-retries=0", "--schema-status-cluster");

		assertThat(result.exitCode()).as(result.output()).isEqualTo(3);
		assertThat(result.output()).doesNotContain("needs a value").contains("nats://127.0.0.1:" + unused);
	}

	@Test
	void takenHttpPortShouldFailTheStartBeforeTheDatabaseIsTouched() throws Exception {
		Path database = booksDatabase();
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Result result = launch("--node-id=1", "--db-path", database.toString(),
					"--server.port=" + taken.getLocalPort(), "--server.address=127.0.0.1",
					"--harmonylite.nats.embedded.port=" + FreePorts.one());

			assertThat(result.exitCode()).as(result.output()).isNotZero();
			assertThat(result.output()).contains("server.port", "port " + taken.getLocalPort() + " cannot be bound");
		}
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%harmonylite%'")) {
			assertThat(rows.getInt(1)).as("nothing of HarmonyLite's installed").isZero();
		}
	}

	@Test
	void configFileShouldBeReadAsApplicationYaml() throws Exception {
		Path database = booksDatabase();
		Path config = this.tempDir.resolve("node.yml");
		Files.writeString(config, """
				harmonylite:
				  node-id: 9
				  db-path: %s
				""".formatted(database));

		Result result = launch("--config", config.toString(), "--schema-status");

		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).startsWith("Schema Status for Node 9");
	}

	@Test
	void snapshotFlagsShouldReachTheNodeWithOrWithoutAnId() throws Exception {
		Path database = booksDatabase();
		Path store = Files.createDirectories(this.tempDir.resolve("snapshots"));
		List<String> node = List.of("--node-id", "5", "--db-path", database.toString(),
				"--harmonylite.snapshot.store=directory", "--harmonylite.snapshot.directory=" + store,
				"--harmonylite.nats.embedded.port=" + FreePorts.one());

		Result list = launch(with(node, "--list-snapshots"));
		Result unknown = launch(with(node, "-restore-snapshot", "20990101T000000000Z-n9-aaaaaa"));
		Result newest = launch(with(node, "--restore-snapshot"));

		assertThat(list.exitCode()).as(list.output()).isZero();
		assertThat(list.output()).contains("Snapshots of node 5's cluster (0;");
		assertThat(unknown.exitCode()).as(unknown.output()).isEqualTo(1);
		assertThat(unknown.output()).contains("--restore-snapshot failed", "20990101T000000000Z-n9-aaaaaa");
		assertThat(newest.exitCode()).as(newest.output()).isEqualTo(2);
		assertThat(newest.output()).contains("No snapshot restored", "the store holds no snapshot");
	}

	private static String[] with(List<String> args, String... more) {
		List<String> all = new ArrayList<>(args);
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@Test
	void unknownFlagShouldFailWithHelpHint() throws Exception {
		Result result = launch("--schema-statuz");

		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.output()).contains("unknown option --schema-statuz", "--help");
	}

	private Path booksDatabase() throws SQLException {
		Path database = this.tempDir.resolve("books.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
		}
		return database;
	}

	private Result launch(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("harmonylite").toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.tempDir.toFile()).redirectErrorStream(true);
		builder.environment().put("HARMONYLITE_JAR", MODULE.resolve("target/harmonylite.jar").toString());
		Process process = builder.start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	private record Result(int exitCode, String output) {
	}

}
