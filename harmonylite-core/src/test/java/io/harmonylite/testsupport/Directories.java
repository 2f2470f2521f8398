package io.harmonylite.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Clean-up of the temporary directories that test support creates itself.
 *
 * @since 0.1.0
 */
public final class Directories {

	private Directories() {
	}

	/**
	 * Deletes a directory and everything in it, as far as it can.
	 * @param dir the directory
	 */
	public static void delete(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// Leftovers in the temp directory do not affect other tests.
		}
	}

}
