package io.harmonylite.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs each demo script of {@code examples/} in its fast unattended mode ({@code --ci --no-build}) against the jar
 * this build just packaged, as a user would run them: real nodes, real nats-server processes, the sqlite3 CLI.
 * <p>
 * The scripts use fixed ports (4221-4223, 4321-4323, 8081-8083, 4230, 8090-8091) and files in {@code /tmp}, as
 * documented, so they run one after the other.
 */
class ExamplesIntegrationTests {

	private static final Path MODULE = Path.of("").toAbsolutePath();

	private static final Path ROOT = MODULE.getParent();

	private static final Path JAR = MODULE.resolve("target/harmonylite.jar");

	@Test
	void runClusterReplicatesARowWrittenWithSqlite3ToTheOtherNodes() throws Exception {
		Result result = run("run-cluster.sh", Duration.ofMinutes(4));

		assertThat(result.exitCode()).as(result.tail()).isZero();
		assertThat(result.output()).contains("node 2 has it: 100|Dune|Frank Herbert",
				"node 3 has it: 100|Dune|Frank Herbert", "Cluster demo OK");
	}

	@Test
	void schemaMigrationTestPassesAllSixSteps() throws Exception {
		Result result = run("run-schema-migration-test.sh", Duration.ofMinutes(6));

		assertThat(result.exitCode()).as(result.tail()).isZero();
		assertThat(result.output()).contains("Step 6", "Status: Inconsistent", "Status: Consistent",
				"node 2 resumed without a restart", "node 3 has row 200 after its restart",
				"Schema migration test PASSED");
		assertThat(result.output()).doesNotContain("FAIL");
	}

	@Test
	void notesDemoReplicatesBothWaysAndCatchesUpAfterRestart() throws Exception {
		Result result = run("run-notes-demo.sh", Duration.ofMinutes(4));

		assertThat(result.exitCode()).as(result.tail()).isZero();
		assertThat(result.output()).contains("node 2 has it", "node 1 has the edit",
				"node 2 caught up: it has the note written while it was down", "Notes demo OK");
	}

	@Test
	void everyScriptExplainsItselfWithHelp() throws Exception {
		for (String script : List.of("run-cluster.sh", "run-schema-migration-test.sh", "run-notes-demo.sh")) {
			Result result = run(script, Duration.ofSeconds(30), "--help");

			assertThat(result.exitCode()).as(script).isZero();
			assertThat(result.output()).as(script).startsWith("Usage: examples/" + script).contains("--ci");
		}
	}

	private Result run(String script, Duration timeout, String... options) throws IOException, InterruptedException {
		assertThat(JAR).as("the packaged jar; run the integration tests with 'verify'").isRegularFile();
		Path output = MODULE.resolve("target/examples-" + script.replace(".sh", "") + ".log");
		List<String> command = (options.length > 0) ? List.of(options) : List.of("--ci", "--no-build");
		ProcessBuilder builder = new ProcessBuilder(
				concat(List.of("bash", ROOT.resolve("examples").resolve(script).toString()), command))
			.directory(ROOT.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile());
		builder.environment().put("HARMONYLITE_JAR", JAR.toString());
		Process process = builder.start();
		if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			// SIGTERM: the script's trap stops the nodes it started.
			process.destroy();
			process.waitFor(60, TimeUnit.SECONDS);
			process.destroyForcibly();
			throw new AssertionError(script + " did not finish within " + timeout + ":\n"
					+ tail(Files.readString(output, StandardCharsets.UTF_8)));
		}
		return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
	}

	private static List<String> concat(List<String> first, List<String> second) {
		return Stream.concat(first.stream(), second.stream()).toList();
	}

	private static String tail(String text) {
		List<String> lines = text.lines().toList();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

	private record Result(int exitCode, String output) {

		String tail() {
			return "script output (last lines):\n" + ExamplesIntegrationTests.tail(this.output);
		}

	}

}
