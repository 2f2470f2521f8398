package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.harmonylite.ConfigException;

/**
 * Checks, without opening it, that a node can open and write its database file: the path is not a directory, and its
 * directory exists and takes new files (SQLite creates the database there when it is missing, and its journal and WAL
 * files next to it; the node its lock file). {@link NodeLock#acquire} runs it first: the lock is taken before anything
 * else touches the database (before migrations, and at the node's start).
 */
final class DatabasePreflight {

	private static final String PROPERTY = "harmonylite.db-path";

	private DatabasePreflight() {
	}

	/**
	 * Runs the check.
	 * @param dbPath the node's database file
	 * @throws ConfigException naming {@code harmonylite.db-path} and the path when the node could not open it
	 */
	static void check(Path dbPath) {
		Path file = dbPath.toAbsolutePath();
		if (Files.isDirectory(file)) {
			throw unusable(file, "is a directory; name a database file, such as " + file.resolve("app.db"));
		}
		if (Files.exists(file) && (!Files.isRegularFile(file) || !Files.isWritable(file))) {
			throw unusable(file, "is not a writable regular file; name a SQLite database file this process can write");
		}
		Path directory = file.getParent();
		if (directory == null || !Files.isDirectory(directory)) {
			throw unusable(file, "is in a directory that does not exist (" + directory + "); create it, or fix the path");
		}
		try {
			// Access rights alone do not tell (root may write anywhere, yet not create a file in /proc).
			Files.delete(Files.createTempFile(directory, ".harmonylite-check-", ".tmp"));
		}
		catch (IOException ex) {
			throw unusable(file, "is in a directory where this process cannot create files (" + ex
					+ "); make " + directory + " writable, or choose another path");
		}
	}

	private static ConfigException unusable(Path file, String why) {
		return new ConfigException(PROPERTY, "the database " + file + " " + why);
	}

}
