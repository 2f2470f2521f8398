package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.harmonylite.sqlite.SqliteConnections;

/**
 * A user's view of one node's SQLite file in tests: run SQL and read tables back as comparable text.
 */
public final class TestDatabase {

	private final Path path;

	public TestDatabase(Path path) {
		this.path = path;
	}

	public Path path() {
		return this.path;
	}

	/**
	 * Runs statements in one transaction.
	 */
	public void execute(String... sql) {
		try (Connection connection = SqliteConnections.open(this.path)) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				for (String each : sql) {
					statement.execute(each);
				}
			}
			connection.commit();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Runs one statement with bound parameters.
	 */
	public void update(String sql, Object... parameters) {
		try (Connection connection = SqliteConnections.open(this.path);
				PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Reads a query's rows, each as text with typeof() of every value, in the query's order.
	 */
	public List<String> rows(String sql) {
		try (Connection connection = SqliteConnections.open(this.path);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			ResultSetMetaData meta = rows.getMetaData();
			List<String> result = new ArrayList<>();
			while (rows.next()) {
				StringBuilder row = new StringBuilder();
				for (int i = 1; i <= meta.getColumnCount(); i++) {
					Object value = rows.getObject(i);
					row.append((i > 1) ? "|" : "")
						.append((value instanceof byte[] bytes) ? "blob:" + Arrays.hashCode(bytes) + ":" + bytes.length
								: String.valueOf(value));
				}
				result.add(row.toString());
			}
			return result;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Counts the rows of a query.
	 */
	public long count(String table) {
		return Long.parseLong(rows("SELECT count(*) FROM " + table).get(0));
	}

}
