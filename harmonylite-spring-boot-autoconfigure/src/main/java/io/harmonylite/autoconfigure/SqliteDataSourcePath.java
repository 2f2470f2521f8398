package io.harmonylite.autoconfigure;

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
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the database file of the application's DataSource: "
					+ ex.getMessage() + ". Check spring.datasource.url, or set " + PROPERTY + " explicitly.", ex);
		}
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
