package io.harmonylite.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a demo script of {@code examples/} as a user would, from the repository root, with its output in a log file:
 * for the modules whose jar the script runs.
 *
 * @param root the repository root
 * @param name the script's file name, e.g. {@code run-cluster.sh}
 * @param environment extra environment variables, such as the jar to run
 * @since 0.1.0
 */
public record ExampleScript(Path root, String name, Map<String, String> environment) {

	public ExampleScript {
		environment = Map.copyOf(environment);
	}

	/**
	 * Runs the script.
	 * @param log where its output goes
	 * @param timeout how long it may run; it is then stopped with SIGTERM, whose trap stops what it started
	 * @param options its options
	 * @return its exit code and output
	 * @throws IOException if it cannot be started or its output read
	 * @throws InterruptedException if interrupted while waiting
	 * @throws AssertionError if it does not finish in time
	 */
	public Result run(Path log, Duration timeout, String... options) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", this.root.resolve("examples").resolve(this.name).toString()));
		command.addAll(List.of(options));
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.root.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(this.environment);
		Process process = builder.start();
		if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			process.destroy();
			process.waitFor(60, TimeUnit.SECONDS);
			process.destroyForcibly();
			throw new AssertionError(this.name + " did not finish within " + timeout + ":\n"
					+ tail(Files.readString(log, StandardCharsets.UTF_8)));
		}
		return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
	}

	private static String tail(String text) {
		List<String> lines = text.lines().toList();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

	/**
	 * What a script did.
	 *
	 * @param exitCode its exit code
	 * @param output everything it printed
	 */
	public record Result(int exitCode, String output) {

		/**
		 * The last lines of the output, for an assertion's description.
		 * @return the last 40 lines
		 */
		public String tail() {
			return "script output (last lines):\n" + ExampleScript.tail(this.output);
		}

	}

}
