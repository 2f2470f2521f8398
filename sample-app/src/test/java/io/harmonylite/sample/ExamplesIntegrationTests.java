package io.harmonylite.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.harmonylite.testsupport.ExampleScript;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the demo script of {@code examples/} that runs this module's jar, the notes demo, in its fast unattended mode
 * ({@code --ci --no-build}) against the jar this build just packaged, as a user would run it: two demo apps, a real
 * nats-server. The cluster scripts run the standalone node and are tested with it (harmonylite-node).
 * <p>
 * The script uses fixed ports (4230, 8090-8091) and files in {@code /tmp}, as documented.
 */
class ExamplesIntegrationTests {

	private static final Path MODULE = Path.of("").toAbsolutePath();

	private static final Path JAR = MODULE.resolve("target/harmonylite-sample.jar");

	private final ExampleScript notesDemo = new ExampleScript(MODULE.getParent(), "run-notes-demo.sh",
			Map.of("HARMONYLITE_SAMPLE_JAR", JAR.toString()));

	@Test
	void notesDemoReplicatesBothWaysAndCatchesUpAfterRestart() throws Exception {
		assertThat(JAR).as("the packaged jar; run the integration tests with 'verify'").isRegularFile();

		ExampleScript.Result result = this.notesDemo.run(MODULE.resolve("target/examples-run-notes-demo.log"),
				Duration.ofMinutes(4), "--ci", "--no-build");

		assertThat(result.exitCode()).as(result.tail()).isZero();
		assertThat(result.output()).contains("node 2 has it", "node 1 has the edit",
				"node 2 caught up: it has the note written while it was down", "Notes demo OK");
	}

	@Test
	void notesDemoExplainsItselfWithHelp() throws Exception {
		ExampleScript.Result result = this.notesDemo.run(MODULE.resolve("target/examples-run-notes-demo-help.log"),
				Duration.ofSeconds(30), "--help");

		assertThat(result.exitCode()).isZero();
		assertThat(result.output()).startsWith("Usage: examples/run-notes-demo.sh").contains("--ci");
	}

}
