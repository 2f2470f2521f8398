package io.harmonylite.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.harmonylite.engine.NodeLock;
import io.harmonylite.engine.NodeLockHolder;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.testsupport.FreePorts;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Applications that cannot start HarmonyLite fail with a report naming the property to change, and, when that is
 * known in advance, before their migrations change the database.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureIntegrationTests {

	@TempDir
	Path dir;

	@Test
	void takenEmbeddedPortShouldFailBeforeFlywayMigrates(CapturedOutput output) throws IOException {
		try (ServerSocket taken = takePort()) {
			assertThatException().isThrownBy(() -> run("--spring.liquibase.enabled=false",
					"--spring.flyway.locations=classpath:db/harmonylite-diagnostics-test",
					"--harmonylite.nats.embedded.port=" + taken.getLocalPort()));

			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("client port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
				.contains("set harmonylite.nats.embedded.port to a free port");
			assertThat(tables()).doesNotContain("Books");
		}
	}

	@Test
	void takenEmbeddedPortShouldFailBeforeLiquibaseUpdates(CapturedOutput output) throws IOException {
		try (ServerSocket taken = takePort()) {
			assertThatException().isThrownBy(() -> run("--spring.flyway.enabled=false",
					"--spring.liquibase.change-log=classpath:liquibase-rolling/release-1.xml",
					"--spring.liquibase.analytics-enabled=false",
					"--harmonylite.nats.embedded.port=" + taken.getLocalPort()));

			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("set harmonylite.nats.embedded.port to a free port");
			assertThat(tables()).doesNotContain("Books");
		}
	}

	@Test
	void databaseANodeRunsOnShouldBeRefusedNamingTheHolderBeforeFlywayTouchesIt(CapturedOutput output)
			throws Exception {
		Path db = this.dir.resolve("app.db");
		Flyway.configure().dataSource("jdbc:sqlite:" + db, null, null).locations("classpath:flyway-rolling/v1").load()
			.migrate();
		TestDatabase database = new TestDatabase(db);
		// Stands for the running node's capture triggers.
		database.execute("CREATE TRIGGER \"__harmonylite__Books__insert\" AFTER INSERT ON Books BEGIN SELECT 1; END");
		String before = schema(database);
		Path holderOutput = this.dir.resolve("holder.out");
		Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), NodeLockHolder.class.getName(), db.toString())
			.redirectErrorStream(true)
			.redirectOutput(holderOutput.toFile())
			.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(holderOutput).contains("READY"));
			assertThatException().isThrownBy(() -> run("--spring.liquibase.enabled=false",
					"--spring.flyway.locations=classpath:flyway-rolling/v1,classpath:flyway-rolling/v2",
					"--harmonylite.nats.embedded.port=53041"));

			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("another node is already running on its database file")
				.contains("Held by: node 7 (pid " + holder.pid())
				.contains(NodeLock.file(db).toString())
				.contains("spring.datasource.url (or harmonylite.db-path)")
				.doesNotContain("Node 1 is running")
				.doesNotContain("removing capture triggers");
			assertThat(schema(database)).as("no migration applied, no trigger removed").isEqualTo(before);
		}
		finally {
			holder.destroyForcibly();
			holder.waitFor();
		}
	}

	private static String schema(TestDatabase database) {
		return String.join("\n", database.rows("SELECT type, name, sql FROM sqlite_master ORDER BY name"))
				+ database.rows("SELECT version FROM flyway_schema_history");
	}

	@Test
	void unreachableNatsShouldBeExplainedNamingTheUrls(CapturedOutput output) {
		String url = "nats://127.0.0.1:" + FreePorts.one();
		assertThatException().isThrownBy(() -> run("--spring.flyway.enabled=false", "--spring.liquibase.enabled=false",
				"--harmonylite.nats.urls=" + url, "--harmonylite.nats.connect-retries=0"));

		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("HarmonyLite could not connect to NATS")
			.contains(url)
			.contains("Check that the servers in harmonylite.nats.urls are running");
	}

	@Test
	void dbPathNamingADirectoryShouldFailBeforeFlywayMigrates(CapturedOutput output) {
		assertFailsBeforeFlywayNamingDbPath(output, this.dir.toString(), "is a directory");
	}

	@Test
	void dbPathInAMissingDirectoryShouldFailBeforeFlywayMigrates(CapturedOutput output) {
		assertFailsBeforeFlywayNamingDbPath(output, this.dir.resolve("missing/app.db").toString(),
				"is in a directory that does not exist");
	}

	@Test
	void dbPathInADirectoryWithoutNewFilesShouldFailBeforeFlywayMigrates(CapturedOutput output) {
		// /proc takes no new file, whatever the user's rights.
		assertFailsBeforeFlywayNamingDbPath(output, "/proc/harmonylite.db",
				"is in a directory where this process cannot create files");
	}

	@Test
	void moreReplicasThanAServerThatIsNotClusteredKeepsShouldBeReportedNamingTheProperty(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--spring.flyway.enabled=false", "--spring.liquibase.enabled=false",
				"--harmonylite.replication.replicas=3"));

		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: harmonylite.replication.replicas")
			.contains("is 3, but the NATS server is not clustered")
			.contains("set it to 1");
	}

	@Test
	void dataSourceUrlNamingADirectoryOrAFileInAMissingDirectoryShouldFailNamingIt(CapturedOutput output) {
		for (String file : List.of(this.dir.toString(), this.dir.resolve("missing/app.db").toString())) {
			assertThatException().isThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
				.run("--spring.datasource.url=jdbc:sqlite:" + file, "--harmonylite.node-id=1",
						"--spring.liquibase.enabled=false",
						"--spring.flyway.locations=classpath:db/harmonylite-diagnostics-test")
				.close());

			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("Property: spring.datasource.url")
				.contains("does not open a SQLite database this node can replicate");
		}
		assertThat(this.dir.resolve("missing")).doesNotExist();
	}

	private void assertFailsBeforeFlywayNamingDbPath(CapturedOutput output, String dbPath, String problem) {
		assertThatException().isThrownBy(() -> run("--spring.liquibase.enabled=false",
				"--spring.flyway.locations=classpath:db/harmonylite-diagnostics-test", "--harmonylite.db-path=" + dbPath));

		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: harmonylite.db-path")
			.contains("the database " + dbPath + " " + problem)
			.doesNotContain("Could not open SQLite database");
		assertThat(tables()).doesNotContain("Books");
	}

	private void run(String... args) {
		String[] all = new String[args.length + 2];
		all[0] = "--spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db");
		all[1] = "--harmonylite.node-id=1";
		System.arraycopy(args, 0, all, 2, args.length);
		new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.run(all)
			.close();
	}

	private static ServerSocket takePort() throws IOException {
		return new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
	}

	private List<String> tables() {
		return new TestDatabase(this.dir.resolve("app.db")).rows("SELECT name FROM sqlite_master WHERE type = 'table'");
	}

	/**
	 * An application with the starter, Flyway and Liquibase, and nothing else.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
