package io.harmonylite.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

/**
 * What every benchmark needs: options, quiet logs, temporary files.
 */
final class BenchSupport {

	private BenchSupport() {
	}

	/**
	 * Parses {@code --name N} pairs (underscores and commas allowed in numbers).
	 * @param args the command-line arguments
	 * @param usage the usage line for errors
	 * @return option name to value
	 */
	static Map<String, Integer> options(String[] args, String usage) {
		Map<String, Integer> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("Usage: " + usage + "; got '" + args[i] + "'");
			}
			options.put(args[i].substring(2), Integer.parseInt(args[++i].replace("_", "").replace(",", "")));
		}
		return options;
	}

	/**
	 * Sets the root log level, so per-batch logging does not disturb the measurement.
	 * @param level the level
	 */
	static void logLevel(Level level) {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
		// The core test-jar's logback-test.xml sets io.harmonylite to INFO.
		logLevel("io.harmonylite", level);
	}

	/**
	 * Sets the level of one logger.
	 * @param logger the logger's name
	 * @param level the level
	 */
	static void logLevel(String logger, Level level) {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger)).setLevel(level);
	}

	/**
	 * Deletes a directory and everything in it.
	 * @param directory the directory
	 */
	static void deleteRecursively(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
