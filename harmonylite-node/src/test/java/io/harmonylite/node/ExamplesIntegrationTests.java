package io.harmonylite.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.harmonylite.testsupport.ExampleScript;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the demo scripts of {@code examples/} that run the standalone node in their fast unattended mode
 * ({@code --ci --no-build}) against the jar this build just packaged, as a user would run them: real nodes started by
 * {@code ./harmonylite}, real nats-server processes, the sqlite3 CLI.
 * <p>
 * The scripts use fixed ports (4221-4223, 4321-4323, 8081-8083) and files in {@code /tmp}, as documented, so they
 * run one after the other.
 */
class ExamplesIntegrationTests {

	private static final Path MODULE = Path.of("").toAbsolutePath();

	private static final Path JAR = MODULE.resolve("target/harmonylite.jar");

	@Test
	void runClusterReplicatesARowWrittenWithSqlite3AndRestoresAFourthNodeFromASnapshot() throws Exception {
		// The plain demo is the first part of this one: one run covers both (CI time).
		ExampleScript.Result result = run("run-cluster.sh", Duration.ofMinutes(6), "--join-fourth");

		assertThat(result.exitCode()).as(result.tail()).isZero();
		assertThat(result.output()).contains("node 2 has it: 100|Dune|Frank Herbert",
				"node 3 has it: 100|Dune|Frank Herbert", "node 4 restored snapshot",
				"node 4 has 10 books, the same as node 1", "Cluster demo OK", "node 4 joined from snapshot");
	}

	@Test
	void schemaMigrationTestPassesAllSixSteps() throws Exception {
		ExampleScript.Result result = run("run-schema-migration-test.sh", Duration.ofMinutes(6));

		assertThat(result.exitCode()).as(result.tail()).isZero();
		assertThat(result.output()).contains("Step 6", "Status: Inconsistent", "Status: Consistent",
				"node 2 resumed without a restart", "node 3 has row 200 after its restart",
				"Schema migration test PASSED");
		assertThat(result.output()).doesNotContain("FAIL");
	}

	@Test
	void everyScriptExplainsItselfWithHelp() throws Exception {
		for (String script : List.of("run-cluster.sh", "run-schema-migration-test.sh")) {
			ExampleScript.Result result = script(script).run(log(script + "-help"), Duration.ofSeconds(30), "--help");

			assertThat(result.exitCode()).as(script).isZero();
			assertThat(result.output()).as(script).startsWith("Usage: examples/" + script).contains("--ci");
		}
	}

	private ExampleScript.Result run(String script, Duration timeout, String... options) throws Exception {
		assertThat(JAR).as("the packaged jar; run the integration tests with 'verify'").isRegularFile();
		List<String> args = new java.util.ArrayList<>(List.of(options));
		args.addAll(List.of("--ci", "--no-build"));
		return script(script).run(log(script + String.join("", options)), timeout, args.toArray(String[]::new));
	}

	private static ExampleScript script(String name) {
		return new ExampleScript(MODULE.getParent(), name, Map.of("HARMONYLITE_JAR", JAR.toString()));
	}

	private static Path log(String name) {
		return MODULE.resolve("target/examples-" + name.replace(".sh", "") + ".log");
	}

}
