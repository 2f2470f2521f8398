package io.harmonylite.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import io.harmonylite.engine.TestDatabase;
import io.harmonylite.testsupport.FreePorts;
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
	void unreachableNatsShouldBeExplainedNamingTheUrls(CapturedOutput output) {
		String url = "nats://127.0.0.1:" + FreePorts.one();
		assertThatException().isThrownBy(() -> run("--spring.flyway.enabled=false", "--spring.liquibase.enabled=false",
				"--harmonylite.nats.urls=" + url, "--harmonylite.nats.connect-retries=0"));

		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("HarmonyLite could not connect to NATS")
			.contains(url)
			.contains("Check that the servers in harmonylite.nats.urls are running");
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

	private java.util.List<String> tables() {
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
