package io.harmonylite.node.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.engine.NodeLock;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.FreePorts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's one-shot commands, run as {@code main} runs them, on a database made beforehand.
 */
class NodeCommandsTests {

	@TempDir
	Path tempDir;

	Path database;

	final ByteArrayOutputStream out = new ByteArrayOutputStream();

	final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@BeforeEach
	void createDatabase() throws SQLException {
		this.database = this.tempDir.resolve("books.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.database);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
			statement.execute("INSERT INTO Books VALUES (1, 'Emma')");
		}
	}

	@Test
	void runWithoutCommandShouldLetTheNodeStart() {
		assertThat(run("--harmonylite.node-id=1")).isEmpty();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).isEmpty();
	}

	@Test
	void propertyOfALauncherFlagGivenTwiceShouldBeRefusedNamingBothValues() {
		assertThat(run("--harmonylite.db-path=/data/a.db", "--harmonylite.node-id=1", "--harmonylite.db-path=/data/b.db"))
			.hasValue(NodeCommands.FAILED);
		assertThat(this.err.toString(StandardCharsets.UTF_8))
			.contains("harmonylite.db-path is given twice, as /data/a.db and as /data/b.db");
		assertThat(run("--harmonylite.tables=a", "--harmonylite.tables=b", "--harmonylite.node-id=1")).as("a list")
			.isEmpty();
	}

	@Test
	void theLaunchersFlagsGivenToTheJarShouldBeRefusedNamingWhatTheJarTakes() {
		assertThat(run("--config", "node-1.yml")).hasValue(NodeCommands.FAILED);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--config is a flag of the ./harmonylite launcher",
				"--spring.config.additional-location=file:");
		assertThat(run("-node-id=2")).hasValue(NodeCommands.FAILED);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--harmonylite.node-id=N");
	}

	@Test
	void helpShouldPrintHowToRunTheJarInsteadOfStartingTheNode() {
		assertThat(run("--help")).hasValue(0);
		assertThat(stdout()).startsWith("Usage: java -jar harmonylite.jar")
			.contains("--schema-status-cluster", "./harmonylite --help");
	}

	@Test
	void versionShouldPrintTheVersion() {
		assertThat(run("--version")).hasValue(0);
		assertThat(stdout()).startsWith("HarmonyLite v");
	}

	@Test
	void schemaStatusShouldPrintTheLocalSchemaWithSingleOrDoubleDash() {
		assertThat(run(nodeArgs("--schema-status"))).hasValue(0);
		assertThat(stdout()).startsWith("Schema Status for Node 3\n")
			.contains("  Node ID: 3\n", "  Watched Tables: Books\n")
			.containsPattern("  Schema Hash: [0-9a-f]{8}\\.\\.\\. \\(first 8 chars\\)");
		String doubleDash = stdout();
		this.out.reset();

		assertThat(run(nodeArgs("-schema-status"))).hasValue(0);
		assertThat(stdout()).isEqualTo(doubleDash);
	}

	@Test
	void schemaStatusShouldLeaveMigrationToolsHistoryTablesOutAsASpringNodeDoes() throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.database);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, "
					+ "version VARCHAR(50))");
		}
		assertThat(run(nodeArgs("--schema-status"))).hasValue(0);
		assertThat(stdout()).contains("  Watched Tables: Books\n");
	}

	@Test
	void schemaStatusShouldNameATableWithoutPrimaryKeyAsNotCapturedInsteadOfFailing() throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.database);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE notes (body TEXT)");
		}
		assertThat(run(nodeArgs("--schema-status"))).hasValue(0);
		assertThat(stdout()).contains("  Watched Tables: Books\n", "  Not Captured: ", "notes");
	}

	@Test
	void schemaStatusShouldNotChangeTheDatabase() throws SQLException {
		assertThat(run(nodeArgs("--schema-status"))).hasValue(0);

		assertThat(objects()).containsExactly("Books");
	}

	@Test
	void schemaStatusClusterWhenNatsIsUnreachableShouldExitWithThree() {
		int port = FreePorts.one();
		assertThat(run(nodeArgs("--schema-status-cluster", "--harmonylite.nats.urls=nats://127.0.0.1:" + port,
				"--harmonylite.nats.connect-retries=0")))
			.hasValue(3);
		assertThat(stdout()).startsWith("Cluster Schema Status unavailable: cannot reach NATS");
	}

	@Test
	void schemaStatusClusterOfAStoppedEmbeddedNodeShouldSayItsServerIsNotRunning() {
		int port = FreePorts.one();
		assertThat(run(nodeArgs("--schema-status-cluster", "--harmonylite.nats.embedded.port=" + port))).hasValue(3);
		assertThat(stdout()).startsWith("Cluster Schema Status unavailable")
			.contains("node 3's embedded nats-server is not running (nothing listens on nats://127.0.0.1:" + port + ")");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void commandsLogLinesShouldGoToStandardErrorLeavingStandardOutputToTheResult(CapturedOutput output) {
		int port = FreePorts.one();
		assertThat(run(nodeArgs("--schema-status-cluster", "--harmonylite.nats.urls=nats://127.0.0.1:" + port,
				"--harmonylite.nats.connect-retries=1", "--harmonylite.nats.reconnect-wait=100ms")))
			.hasValue(3);

		assertThat(output.getErr()).contains("WARN");
		assertThat(output.getOut()).doesNotContain("WARN");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void anInvalidPropertyShouldBeReportedOnStandardErrorOnly(CapturedOutput output) {
		assertThat(run(nodeArgs("--schema-status", "--harmonylite.replication.shards=0"))).hasValue(1);

		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("harmonylite.replication.shards");
		assertThat(output.getErr()).contains("APPLICATION FAILED TO START");
		assertThat(output.getOut()).as("standard output holds only a command's result").isEmpty();
	}

	@Test
	void cleanupWhileTheNodeRunsShouldBeRefusedAndChangeNothing() throws SQLException {
		try (Connection connection = SqliteConnections.open(this.database)) {
			new ChangeCapture(connection, List.of(), List.of()).install();
		}
		List<String> installed = objects();

		try (NodeLock running = NodeLock.acquire(this.database, 3, "a test holds it")) {
			assertThat(run(nodeArgs("--cleanup"))).hasValue(1);
		}

		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("Node 3 is running on", "stop it first",
				"POST /actuator/harmonylite/capture");
		assertThat(objects()).isEqualTo(installed);
	}

	@Test
	void cleanupShouldRemoveEveryTriggerAndInternalTableButKeepTheData() throws SQLException {
		try (Connection connection = SqliteConnections.open(this.database)) {
			new ChangeCapture(connection, List.of(), List.of()).install();
		}
		assertThat(objects()).hasSizeGreaterThan(1);

		assertThat(run(nodeArgs("--cleanup"))).hasValue(0);

		assertThat(objects()).containsExactly("Books");
		assertThat(stdout()).startsWith("Removed ").contains(this.database.toString());
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT title FROM Books")) {
			assertThat(rows.next()).isTrue();
			assertThat(rows.getString(1)).isEqualTo("Emma");
		}
	}

	@Test
	void commandWithoutDbPathShouldFailNamingTheProperty() {
		assertThat(run("--schema-status", "--harmonylite.node-id=1")).hasValue(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("harmonylite.db-path");
	}

	@Test
	void commandWithMissingDatabaseFileShouldFailNamingTheFile() {
		Path missing = this.tempDir.resolve("missing.db");
		assertThat(run("--schema-status", "--harmonylite.node-id=1",
				"--harmonylite.db-path=" + missing))
			.hasValue(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains(missing + " does not exist");
		assertThat(missing).doesNotExist();
	}

	@Test
	void commandShouldNotStartTheEngineEvenWhenTheConfigurationAsksForIt() {
		int natsPort = FreePorts.one();

		assertThat(run(nodeArgs("--schema-status", "--harmonylite.auto-startup=true",
				"--harmonylite.nats.embedded.port=" + natsPort)))
			.as(this.err.toString(StandardCharsets.UTF_8))
			.hasValue(0);

		// A started engine would have run its embedded nats-server there.
		assertThat(FreePorts.isFree(natsPort)).isTrue();
		assertThat(stdout()).startsWith("Schema Status for Node 3");
	}

	@Test
	void restoreSnapshotShouldTakeItsIdAfterAnEqualsSignOrAsTheNextArgumentOrNone() {
		NodeCommand restore = NodeCommand.RESTORE_SNAPSHOT;
		String[] spaced = { "--restore-snapshot", "20250101T000000000Z-n1-abcdef", "--harmonylite.node-id=3" };
		String[] inline = { "-restore-snapshot=20250101T000000000Z-n1-abcdef", "--harmonylite.node-id=3" };
		String[] none = { "--restore-snapshot", "--harmonylite.node-id=3" };

		assertThat(NodeCommand.find(spaced)).hasValue(restore);
		assertThat(restore.value(spaced)).isEqualTo("20250101T000000000Z-n1-abcdef");
		assertThat(restore.remove(spaced)).containsExactly("--harmonylite.node-id=3");
		assertThat(NodeCommand.find(inline)).hasValue(restore);
		assertThat(restore.value(inline)).isEqualTo("20250101T000000000Z-n1-abcdef");
		assertThat(restore.remove(inline)).containsExactly("--harmonylite.node-id=3");
		assertThat(restore.value(none)).isNull();
		assertThat(restore.remove(none)).containsExactly("--harmonylite.node-id=3");
		assertThat(NodeCommand.SAVE_SNAPSHOT.value(new String[] { "--save-snapshot", "x" })).isNull();
	}

	@Test
	void listSnapshotsOfADirectoryStoreShouldNeedNoNats() throws Exception {
		Path store = this.tempDir.resolve("store");
		java.nio.file.Files.createDirectories(store);

		assertThat(run(nodeArgs("--list-snapshots", "--harmonylite.snapshot.store=directory",
				"--harmonylite.snapshot.directory=" + store, "--harmonylite.nats.urls=nats://127.0.0.1:" + FreePorts.one(),
				"--harmonylite.nats.connect-retries=0")))
			.as(this.err.toString(StandardCharsets.UTF_8))
			.hasValue(0);
		assertThat(stdout()).startsWith("Snapshots of node 3's cluster (0;").contains("--save-snapshot");
	}

	@Test
	void snapshotCommandWithSnapshotsDisabledShouldFailNamingTheProperty() {
		assertThat(run(nodeArgs("--save-snapshot", "--harmonylite.snapshot.enabled=false"))).hasValue(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--save-snapshot failed",
				"harmonylite.snapshot.enabled=false");
	}

	@Test
	void twoCommandsShouldFail() {
		assertThat(run("--schema-status", "--cleanup")).hasValue(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("one command at a time");
	}

	private String[] nodeArgs(String... more) {
		List<String> args = new ArrayList<>(List.of("--harmonylite.node-id=3",
				"--harmonylite.db-path=" + this.database));
		args.addAll(List.of(more));
		return args.toArray(String[]::new);
	}

	private OptionalInt run(String... args) {
		return NodeCommands.run(args, new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	private String stdout() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	private List<String> objects() throws SQLException {
		List<String> names = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_schema ORDER BY name")) {
			while (rows.next()) {
				names.add(rows.getString(1));
			}
		}
		return names;
	}

}
