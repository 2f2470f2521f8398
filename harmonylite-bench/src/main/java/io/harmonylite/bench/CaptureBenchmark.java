package io.harmonylite.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ch.qos.logback.classic.Level;
import io.harmonylite.capture.ApplyMarker;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * Measures what change capture costs the application's writes: rows per second inserted into a 4-column table with
 * and without capture, in 1,000-row transactions and as single-row auto-commit inserts, in WAL mode with
 * {@code synchronous=NORMAL}, each round on fresh temporary files. For comparison it also measures triggers in the
 * original HarmonyLite's style (a per-table log plus a global log: two inserts per change) with the marker-row WHEN
 * clause.
 * <p>
 * Options: {@code --rows N} (rows per batched measurement, default 200,000), {@code --single-rows N} (rows per
 * single-row measurement, default 20,000), {@code --batch-size N} (default 1,000), {@code --rounds N} (default 5; the
 * median is reported after one warm-up round).
 *
 * @since 0.1.0
 */
public final class CaptureBenchmark {

	private static final String TABLE_DDL = "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)";

	private static final String INSERT = "INSERT INTO books (id, title, author, year) VALUES (?, ?, ?, ?)";

	private static final double BATCHED_TARGET = 0.45;

	private static final double SINGLE_ROW_TARGET = 0.35;

	private enum Capture {

		NONE("no capture"), HARMONYLITE("HarmonyLite capture (1 shared log insert)"),
		ORIGINAL("original-style triggers (2 inserts, marker WHEN)");

		private final String label;

		Capture(String label) {
			this.label = label;
		}

	}

	private final Path directory;

	private final int batchSize;

	private int files;

	private CaptureBenchmark(Path directory, int batchSize) {
		this.directory = directory;
		this.batchSize = batchSize;
	}

	public static void main(String[] args) throws Exception {
		// Capture logs each install at INFO; keep the console (and the measurement) clean.
		BenchSupport.logLevel(Level.WARN);
		Map<String, Integer> options = BenchSupport.options(args, "./benchmark capture [--rows N] [--single-rows N] [--batch-size N] [--rounds N]");
		int rows = options.getOrDefault("rows", 200_000);
		int singleRows = options.getOrDefault("single-rows", 20_000);
		int batchSize = options.getOrDefault("batch-size", 1000);
		int rounds = options.getOrDefault("rounds", 5);
		Path directory = Files.createTempDirectory("harmonylite-capture-bench");
		try {
			new CaptureBenchmark(directory, batchSize).run(rows, singleRows, rounds);
		}
		finally {
			BenchSupport.deleteRecursively(directory);
		}
	}

	private void run(int rows, int singleRows, int rounds) throws SQLException {
		System.out.printf(Locale.ROOT,
				"Capture benchmark: inserts into books(id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER); "
						+ "WAL, synchronous=NORMAL; SQLite %s; %d cores%n",
				sqliteVersion(), Runtime.getRuntime().availableProcessors());
		System.out.printf(Locale.ROOT, "Batched: %,d rows in %,d-row transactions; single-row: %,d auto-commit inserts; "
				+ "%d rounds after 1 warm-up round, fresh files each time%n", rows, this.batchSize, singleRows, rounds);
		Capture[] kinds = Capture.values();
		double[][] batched = new double[kinds.length][rounds];
		double[][] single = new double[kinds.length][rounds];
		for (int round = -1; round < rounds; round++) {
			// Interleave the scenarios so that noise from other processes spreads over all of them.
			for (Capture kind : kinds) {
				double rate = measure(kind, rows, this.batchSize);
				if (round >= 0) {
					batched[kind.ordinal()][round] = rate;
				}
			}
			for (Capture kind : kinds) {
				double rate = measure(kind, singleRows, 1);
				if (round >= 0) {
					single[kind.ordinal()][round] = rate;
				}
			}
		}
		System.out.println();
		report("1,000-row transactions", kinds, batched, BATCHED_TARGET, "(a)", "(b)", "(e)");
		report("single-row auto-commit", kinds, single, SINGLE_ROW_TARGET, "(c)", "(d)", "(e')");
	}

	private void report(String title, Capture[] kinds, double[][] rates, double target, String... labels) {
		System.out.printf(Locale.ROOT, "%s (median rows/s, min..max over rounds)%n", title);
		double baseline = median(rates[Capture.NONE.ordinal()]);
		for (Capture kind : kinds) {
			double[] sorted = rates[kind.ordinal()].clone();
			Arrays.sort(sorted);
			double median = median(sorted);
			double ratio = median / baseline;
			String verdict = "";
			if (kind == Capture.HARMONYLITE) {
				verdict = String.format(Locale.ROOT, "  target >= %.0f%%: %s", target * 100,
						(ratio >= target) ? "PASS" : "FAIL");
			}
			System.out.printf(Locale.ROOT, "  %-5s %-52s %,11.0f rows/s  (%,.0f..%,.0f)  %5.1f%% of no capture%s%n",
					labels[kind.ordinal()], kind.label, median, sorted[0], sorted[sorted.length - 1], ratio * 100,
					verdict);
		}
		System.out.println();
	}

	private double measure(Capture kind, int rows, int batchSize) throws SQLException {
		Path database = this.directory.resolve("bench-" + (++this.files) + ".db");
		try (Connection connection = SqliteConnections.open(database)) {
			try (Statement statement = connection.createStatement()) {
				statement.execute(TABLE_DDL);
			}
			switch (kind) {
				case HARMONYLITE -> new ChangeCapture(connection, List.of(), List.of()).install();
				case ORIGINAL -> installOriginalStyle(connection);
				default -> {
				}
			}
			long start = System.nanoTime();
			insert(connection, rows, batchSize);
			double seconds = (System.nanoTime() - start) / 1e9;
			verifyCaptured(connection, kind, rows);
			return rows / seconds;
		}
		finally {
			for (String suffix : new String[] { "", "-wal", "-shm" }) {
				try {
					Files.deleteIfExists(database.resolveSibling(database.getFileName() + suffix));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		}
	}

	private static void insert(Connection connection, int rows, int batchSize) throws SQLException {
		boolean batched = batchSize > 1;
		if (batched) {
			connection.setAutoCommit(false);
		}
		try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
			for (int id = 1; id <= rows; id++) {
				insert.setLong(1, id);
				insert.setString(2, "Title " + id);
				insert.setString(3, "Author " + (id % 1000));
				insert.setLong(4, 1900 + id % 125);
				insert.executeUpdate();
				if (batched && id % batchSize == 0) {
					connection.commit();
				}
			}
			if (batched) {
				connection.commit();
			}
		}
		finally {
			if (batched) {
				connection.setAutoCommit(true);
			}
		}
	}

	private static void verifyCaptured(Connection connection, Capture kind, int rows) throws SQLException {
		String table = switch (kind) {
			case NONE -> null;
			case HARMONYLITE -> ChangeCapture.CHANGE_LOG_TABLE;
			case ORIGINAL -> "__harmonylite___change_log_global";
		};
		if (table == null) {
			return;
		}
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
			result.next();
			if (result.getLong(1) != rows) {
				throw new IllegalStateException(kind + " captured " + result.getLong(1) + " of " + rows + " rows");
			}
		}
	}

	/**
	 * The original's design for one table: a per-table change log with AUTOINCREMENT ids and a state index, and a
	 * global AUTOINCREMENT log that orders changes across tables; each trigger inserts into both. The WHEN clause is
	 * the marker row instead of the original's scan of {@code pragma_function_list}.
	 */
	private static void installOriginalStyle(Connection connection) throws SQLException {
		ApplyMarker.install(connection);
		String log = "\"__harmonylite__books_change_log\"";
		String timestamp = "CAST((strftime('%s','now') || substr(strftime('%f','now'),4)) AS INT)";
		List<String> ddl = new ArrayList<>();
		ddl.add("CREATE TABLE " + log + " (id INTEGER PRIMARY KEY AUTOINCREMENT, val_id INTEGER, val_title TEXT, "
				+ "val_author TEXT, val_year INTEGER, type TEXT, created_at INTEGER, state INTEGER)");
		ddl.add("CREATE INDEX \"__harmonylite__books_change_log_state_index\" ON " + log + " (state)");
		ddl.add("CREATE TABLE \"__harmonylite___change_log_global\" (id INTEGER PRIMARY KEY AUTOINCREMENT, "
				+ "change_table_id INTEGER, table_name TEXT)");
		for (String operation : new String[] { "insert", "update", "delete" }) {
			String row = operation.equals("delete") ? "OLD" : "NEW";
			ddl.add("CREATE TRIGGER \"__harmonylite__books_change_log_on_" + operation + "\" AFTER "
					+ operation.toUpperCase(Locale.ROOT) + " ON books WHEN " + ApplyMarker.TRIGGER_CONDITION
					+ " BEGIN INSERT INTO " + log + " (val_id, val_title, val_author, val_year, type, created_at, state) "
					+ "VALUES (" + row + ".id, " + row + ".title, " + row + ".author, " + row + ".year, '" + operation
					+ "', " + timestamp + ", 0); INSERT INTO \"__harmonylite___change_log_global\" (change_table_id, "
					+ "table_name) VALUES (last_insert_rowid(), 'books'); END");
		}
		try (Statement statement = connection.createStatement()) {
			for (String sql : ddl) {
				statement.execute(sql);
			}
		}
	}

	private String sqliteVersion() throws SQLException {
		Path database = this.directory.resolve("version.db");
		try (Connection connection = SqliteConnections.open(database); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT sqlite_version()")) {
			result.next();
			return result.getString(1);
		}
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
