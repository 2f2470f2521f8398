package io.harmonylite.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a node's database file the way a checker does after quiescence: table checksums, event ids, counters.
 */
final class Databases {

	private Databases() {
	}

	/**
	 * Runs SQL with the sqlite3 CLI, a real external writer.
	 * @param database the file
	 * @param sql the statements
	 */
	static void sqlite3(Path database, String sql) {
		// The node and the workload's writers hold the file's locks now and then: wait for them as an application would.
		Commands.Result result = Commands.run(List.of("sqlite3", "-bail", "-cmd", ".timeout 30000", database.toString()),
				sql);
		if (result.exitCode() != 0) {
			throw new IllegalStateException("sqlite3 " + database + " failed (" + result.exitCode() + "): "
					+ result.output());
		}
	}

	/**
	 * A SHA-256 over every row of a table in primary-key order, values with their storage class.
	 * @param database the file
	 * @param table the table, ordered by its first column
	 * @return the checksum
	 */
	static String checksum(Path database, String table) {
		return query(database, (statement) -> {
			MessageDigest digest = sha256();
			try (ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY 1")) {
				int columns = rows.getMetaData().getColumnCount();
				while (rows.next()) {
					for (int i = 1; i <= columns; i++) {
						Object value = rows.getObject(i);
						String text = (value == null) ? "NULL"
								: value.getClass().getSimpleName() + ":" + ((value instanceof byte[] bytes)
										? HexFormat.of().formatHex(bytes) : value.toString());
						digest.update(text.getBytes(StandardCharsets.UTF_8));
						digest.update((byte) 0);
					}
					digest.update((byte) '\n');
				}
			}
			return HexFormat.of().formatHex(digest.digest());
		});
	}

	/**
	 * The ids of the event rows.
	 * @param database the file
	 * @return the ids
	 */
	static Set<Long> eventIds(Path database) {
		return query(database, (statement) -> {
			Set<Long> ids = new HashSet<>();
			try (ResultSet rows = statement.executeQuery("SELECT id FROM events")) {
				while (rows.next()) {
					ids.add(rows.getLong(1));
				}
			}
			return ids;
		});
	}

	/**
	 * The counter of every node.
	 * @param database the file
	 * @return node id to counter
	 */
	static Map<Long, Long> counters(Path database) {
		return query(database, (statement) -> {
			Map<Long, Long> counters = new HashMap<>();
			try (ResultSet rows = statement.executeQuery("SELECT node, ctr FROM counters")) {
				while (rows.next()) {
					counters.put(rows.getLong(1), rows.getLong(2));
				}
			}
			return counters;
		});
	}

	/**
	 * The highest event sequence of one origin in a file.
	 * @param database the file
	 * @param origin the origin node
	 * @return the sequence, 0 when there is none
	 */
	static long lastSequence(Path database, int origin) {
		return query(database, (statement) -> {
			try (ResultSet rows = statement.executeQuery("SELECT coalesce(max(seq), 0) FROM events WHERE origin = "
					+ origin)) {
				rows.next();
				return rows.getLong(1);
			}
		});
	}

	/**
	 * Counts the rows of a table.
	 * @param database the file
	 * @param table the table
	 * @return the row count
	 */
	static long count(Path database, String table) {
		return query(database, (statement) -> {
			try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
				rows.next();
				return rows.getLong(1);
			}
		});
	}

	private static <T> T query(Path database, SqlFunction<T> function) {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database + "?busy_timeout=10000");
				Statement statement = connection.createStatement()) {
			return function.apply(statement);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read " + database + ": " + ex.getMessage(), ex);
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	private interface SqlFunction<T> {

		T apply(Statement statement) throws SQLException;

	}

}
