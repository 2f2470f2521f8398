package io.harmonylite.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;

/**
 * Finds the file behind the application's SQLite {@link DataSource}, so that {@code harmonylite.db-path} need not
 * repeat {@code spring.datasource.url}.
 */
final class SqliteDataSourcePath {

	private static final String PROPERTY = "harmonylite.db-path";

	private static final String DATASOURCE_URL = "spring.datasource.url";

	private SqliteDataSourcePath() {
	}

	/**
	 * Opens one connection and reads the main database file from {@code PRAGMA database_list}.
	 * @param dataSource the application's DataSource
	 * @return the absolute path of the main database file
	 * @throws ConfigException if the DataSource is not a file-backed SQLite database
	 */
	static Path resolve(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			String product = connection.getMetaData().getDatabaseProductName();
			if (!"SQLite".equalsIgnoreCase(product)) {
				throw new ConfigException(PROPERTY, "is required because the application's DataSource is " + product
						+ ", not SQLite; set it to the SQLite file to replicate");
			}
			String file = mainDatabaseFile(connection);
			if (file == null || file.isEmpty()) {
				throw new ConfigException(PROPERTY, "is required because the application's SQLite DataSource is an "
						+ "in-memory or temporary database, which cannot be replicated; use a file URL such as "
						+ "jdbc:sqlite:./app.db or set " + PROPERTY);
			}
			return Path.of(file).toAbsolutePath();
		}
		catch (SQLException | RuntimeException ex) {
			if (ex instanceof HarmonyLiteException known) {
				throw known;
			}
			// A pool (Hikari) wraps the driver's failure to open the file in an exception of its own.
			throw new ConfigException(DATASOURCE_URL, "does not open a SQLite database this node can replicate: "
					+ rootMessage(ex) + ". Name a database file in an existing, writable directory (such as "
					+ "jdbc:sqlite:./app.db), or set " + PROPERTY + " to the file to replicate", ex);
		}
	}

	/**
	 * The file behind a DataSource when it is a file-backed SQLite database.
	 * @param dataSource a DataSource
	 * @return the absolute path of its main database file, {@code null} when it is not SQLite, has no file, or cannot
	 * be read
	 */
	static @Nullable Path fileOf(DataSource dataSource) {
		try {
			return resolve(dataSource);
		}
		catch (HarmonyLiteException ex) {
			return null;
		}
	}

	/**
	 * Whether two paths name one file: the same file once both exist, else the same normalized path.
	 * @param one a path
	 * @param other another path
	 * @return {@code true} when they name one file
	 */
	static boolean sameFile(Path one, Path other) {
		try {
			if (Files.exists(one) && Files.exists(other)) {
				return Files.isSameFile(one, other);
			}
		}
		catch (IOException ex) {
			// Compared by name below.
		}
		return one.toAbsolutePath().normalize().equals(other.toAbsolutePath().normalize());
	}

	private static String rootMessage(Exception ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

	private static @Nullable String mainDatabaseFile(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA database_list")) {
			while (rows.next()) {
				if ("main".equals(rows.getString("name"))) {
					return rows.getString("file");
				}
			}
			return null;
		}
	}

}
