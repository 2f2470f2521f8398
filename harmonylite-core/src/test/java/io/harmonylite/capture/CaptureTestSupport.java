package io.harmonylite.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.harmonylite.event.SqlValues;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Small helpers shared by the capture tests.
 */
final class CaptureTestSupport {

	private CaptureTestSupport() {
	}

	static void execute(Connection connection, String... statements) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	static List<List<@Nullable Object>> query(Connection connection, String sql, Object... parameters)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			List<List<@Nullable Object>> result = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				int columns = rows.getMetaData().getColumnCount();
				while (rows.next()) {
					List<@Nullable Object> row = new ArrayList<>();
					for (int i = 1; i <= columns; i++) {
						row.add(SqlValues.normalize("column " + i, rows.getObject(i)));
					}
					result.add(row);
				}
			}
			return result;
		}
	}

	static long count(Connection connection, String sql) throws SQLException {
		return ((Number) query(connection, sql).get(0).get(0)).longValue();
	}

	static long changeLogCount(Connection connection) throws SQLException {
		return count(connection, "SELECT count(*) FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\"");
	}

	/**
	 * A comparable view of the rows, blobs as hex, with each value's Java class so that storage classes are compared
	 * too.
	 */
	static List<String> describe(List<List<@Nullable Object>> rows) {
		return rows.stream().map((row) -> row.stream().map(CaptureTestSupport::describe).toList().toString()).toList();
	}

	static String describe(@Nullable Object value) {
		if (value == null) {
			return "NULL";
		}
		if (value instanceof byte[] bytes) {
			return "BLOB:" + Arrays.hashCode(bytes) + "/" + bytes.length;
		}
		if (value instanceof Double d) {
			return "REAL:" + Double.doubleToRawLongBits(d);
		}
		return value.getClass().getSimpleName() + ":" + value;
	}

	/**
	 * Runs SQL through the {@code sqlite3} command-line shell and returns its standard output.
	 */
	static String sqlite3(Path database, String sql) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("sqlite3", "-bail", database.toString(), sql).redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("sqlite3 finished").isTrue();
		assertThat(process.exitValue()).as("sqlite3 exit code, output: %s", output).isZero();
		return output;
	}

}
