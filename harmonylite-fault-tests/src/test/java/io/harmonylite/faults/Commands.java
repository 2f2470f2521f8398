package io.harmonylite.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs short operating-system commands ({@code kill}, {@code ip}, {@code pgrep}, {@code curl}, {@code sqlite3}) and
 * returns what they printed.
 */
final class Commands {

	private Commands() {
	}

	/**
	 * Runs a command and waits up to 60 s for it.
	 * @param command the command and its arguments
	 * @return its exit code and output (stdout and stderr together)
	 */
	static Result run(List<String> command) {
		return run(command, null);
	}

	/**
	 * Runs a command with text on its standard input.
	 * @param command the command and its arguments
	 * @param input what to write to its standard input, or {@code null}
	 * @return its exit code and output (stdout and stderr together)
	 */
	static Result run(List<String> command, String input) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			if (input != null) {
				process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
			}
			process.getOutputStream().close();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("Command did not finish within 60 s: " + command);
			}
			return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	/**
	 * Runs a command that must succeed.
	 * @param command the command and its arguments
	 * @return its output
	 * @throws IllegalStateException when it exits with another status than 0
	 */
	static String require(String... command) {
		Result result = run(List.of(command));
		if (result.exitCode() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode() + ": "
					+ result.output());
		}
		return result.output();
	}

	/**
	 * A command prefixed to run inside a network namespace, or unchanged when there is none.
	 * @param namespace the namespace, or {@code null}
	 * @param command the command
	 * @return the command to run
	 */
	static List<String> inNamespace(String namespace, List<String> command) {
		if (namespace == null) {
			return command;
		}
		List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
		wrapped.addAll(command);
		return wrapped;
	}

	/**
	 * What a command printed and how it ended.
	 *
	 * @param exitCode the exit status
	 * @param output standard output and error
	 */
	record Result(int exitCode, String output) {
	}

}
