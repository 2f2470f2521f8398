package io.harmonylite.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The child processes of one test (a JVM running a test main class, the {@code sqlite3} CLI), killed after it when
 * they still run. Register it on an instance field:
 * <pre>
 * &#64;RegisterExtension
 * final ChildProcesses processes = new ChildProcesses();
 * </pre>
 *
 * @since 0.1.0
 */
public final class ChildProcesses implements AfterEachCallback {

	private final List<Process> started = new ArrayList<>();

	/**
	 * The command line of a JVM running a main class with the test's class path.
	 * @param mainClass the main class
	 * @param args its arguments
	 * @return the process builder, output not redirected
	 */
	public static ProcessBuilder java(Class<?> mainClass, String... args) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(List.of(args));
		return new ProcessBuilder(command);
	}

	/**
	 * The command line of the {@code sqlite3} CLI running a script against a database, stopping at the first error.
	 * @param database the database file
	 * @param script the SQL script file, read as standard input
	 * @param log where standard output and error go
	 * @return the process builder
	 */
	public static ProcessBuilder sqlite3Script(Path database, Path script, Path log) {
		return new ProcessBuilder("sqlite3", "-bail", database.toString()).redirectInput(script.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
	}

	/**
	 * Starts a process, to be killed after the test.
	 * @param builder the process builder
	 * @return the started process
	 * @throws IOException if it cannot be started
	 */
	public Process start(ProcessBuilder builder) throws IOException {
		Process process = builder.start();
		this.started.add(process);
		return process;
	}

	@Override
	public void afterEach(ExtensionContext context) throws InterruptedException {
		for (Process process : this.started) {
			process.destroyForcibly();
			process.waitFor(30, TimeUnit.SECONDS);
		}
		this.started.clear();
	}

}
