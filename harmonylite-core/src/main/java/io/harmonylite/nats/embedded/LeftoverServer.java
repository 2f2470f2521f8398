package io.harmonylite.nats.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a nats-server that an earlier run of the same node left running: its watchdog was killed, then its JVM, so
 * nothing stopped it, and it would hold the node's ports for good. It is recognised by the pid file in the node's
 * store directory, by its command line naming the node's own configuration file, and by its parent, which is no
 * longer a JVM (the server of a running node, its parent, is never touched).
 */
final class LeftoverServer {

	private static final Logger logger = LoggerFactory.getLogger(LeftoverServer.class);

	private static final long STOP_SECONDS = 10;

	private LeftoverServer() {
	}

	/**
	 * Stops the server the pid file names, if it is alive and runs the given configuration file.
	 * @param pidFile the store directory's pid file
	 * @param configFile the node's server configuration file
	 * @param description names the server in the log, e.g. {@code embedded nats-server of node 1}
	 * @return whether a leftover server was stopped
	 */
	static boolean stop(Path pidFile, Path configFile, String description) {
		Optional<ProcessHandle> leftover = pid(pidFile).flatMap(ProcessHandle::of)
			.filter(ProcessHandle::isAlive)
			.filter((process) -> runs(process, configFile))
			.filter(LeftoverServer::orphaned);
		if (leftover.isEmpty()) {
			return false;
		}
		ProcessHandle process = leftover.get();
		logger.warn("Stopping the {} that an earlier run of this node left running (pid {}, {}): its node process "
				+ "ended without stopping it", description, process.pid(), configFile);
		process.destroy();
		try {
			process.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			process.onExit().join();
		}
		return true;
	}

	private static Optional<Long> pid(Path pidFile) {
		try {
			return Optional.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim()));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Whether no JVM owns the server any longer: a running node (whose one-shot commands would find its server here
	 * too) is its parent; a server whose JVM died was handed to init or a subreaper.
	 */
	private static boolean orphaned(ProcessHandle process) {
		Optional<ProcessHandle> parent = process.parent().filter(ProcessHandle::isAlive);
		return parent.isEmpty() || parent.get().pid() == 1
				|| parent.get().info().command().map((command) -> !command.contains("java")).orElse(true);
	}

	private static boolean runs(ProcessHandle process, Path configFile) {
		return process.info()
			.arguments()
			.map(Arrays::asList)
			.map((arguments) -> arguments.contains(configFile.toString())
					|| arguments.contains(configFile.toAbsolutePath().toString()))
			.orElse(false);
	}

}
