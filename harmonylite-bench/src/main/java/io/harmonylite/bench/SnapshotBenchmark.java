package io.harmonylite.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ch.qos.logback.classic.Level;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.nats.ObjectStoreSnapshotStore;
import io.harmonylite.snapshot.ConsistencyCheck;
import io.harmonylite.snapshot.DirectorySnapshotStore;
import io.harmonylite.snapshot.ReplicatedTables;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotRestorer;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotTaker;
import io.harmonylite.snapshot.SnapshotTables;
import io.harmonylite.snapshot.TakenSnapshot;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.NatsTestServer;
import io.nats.client.Nats;

/**
 * Measures taking and restoring a snapshot of a database with one 4-column table: the take (online copy, stripping,
 * zstd), storing it, and the restore into another node's live database (download, checks, image, backup-API install),
 * with the sizes; then a new node joining through the engine ({@link SnapshotCatchUp}): restore at startup and
 * catch-up to live with the changes written after the snapshot. The store is a directory, or with {@code --nats 1} a
 * NATS object store on a local {@code nats-server}.
 * <p>
 * Options: {@code --rows N} (default 1,000,000), {@code --nats 0|1} (default 0), {@code --rounds N} (default 1),
 * {@code --changes N} written after the snapshot of the join (default 10,000).
 *
 * @since 0.1.0
 */
public final class SnapshotBenchmark {

	private static final String USAGE = "./benchmark snapshot [--rows N] [--nats 0|1] [--rounds N] [--changes N]";

	private static final String BOOKS = "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)";

	private static final double TAKE_TARGET_SECONDS = 5;

	/** The target of the restore, and of the restore plus catch-up to live of a joining node. */
	private static final double RESTORE_TARGET_SECONDS = 10;

	private SnapshotBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Integer> options = BenchSupport.options(args, USAGE);
		int rows = options.getOrDefault("rows", 1_000_000);
		boolean nats = options.getOrDefault("nats", 0) == 1;
		int rounds = options.getOrDefault("rounds", 1);
		int changes = options.getOrDefault("changes", 10_000);
		BenchSupport.logLevel(Level.WARN);
		Path directory = Files.createTempDirectory("harmonylite-snapshot-bench-");
		try (NatsTestServer server = nats ? NatsTestServer.start() : null) {
			Path origin = directory.resolve("origin.db");
			long setup = System.nanoTime();
			createOrigin(origin, rows);
			System.out.printf(Locale.ROOT, "Snapshot benchmark: %,d rows x 4 columns, store: %s (setup %.1f s)%n", rows,
					nats ? "NATS object store" : "directory", seconds(setup));
			for (int round = 1; round <= rounds; round++) {
				Path roundDirectory = Files.createDirectories(directory.resolve("round-" + round));
				if (nats) {
					try (io.nats.client.Connection connection = Nats.connect(server.url())) {
						run(origin, roundDirectory, rows, new ObjectStoreSnapshotStore(connection, "bench-" + round, 1));
					}
				}
				else {
					run(origin, roundDirectory, rows, new DirectorySnapshotStore(roundDirectory.resolve("store")));
				}
				BenchSupport.deleteRecursively(roundDirectory);
			}
			try (NatsTestServer joinServer = (server != null) ? null : NatsTestServer.start()) {
				String url = (server != null) ? server.url() : joinServer.url();
				Path join = Files.createDirectories(directory.resolve("join"));
				new SnapshotCatchUp(url, join, nats).run(rows, changes, RESTORE_TARGET_SECONDS);
			}
		}
		finally {
			BenchSupport.deleteRecursively(directory);
		}
	}

	private static void run(Path origin, Path directory, int rows, SnapshotStore store) throws Exception {
		SnapshotTaker taker = new SnapshotTaker(origin, 1, ReplicatedTables.all(), ConsistencyCheck.always(),
				directory.resolve("take"), Clock.systemUTC());
		long started = System.nanoTime();
		TakenSnapshot taken = taker.take();
		double take = seconds(started);
		started = System.nanoTime();
		store.put(taken.metadata(), taken.data());
		double put = seconds(started);
		taken.close();

		Path node = directory.resolve("node.db");
		String hash = createNewNode(node);
		SnapshotRestorer restorer = new SnapshotRestorer(node, new ConflictSettings(2, ConflictSettings.DEFAULT_MAX_CLOCK_SKEW),
				ReplicatedTables.all(), directory.resolve("restore"),
				Clock.systemUTC());
		started = System.nanoTime();
		RestoreOutcome outcome = restorer.restore(store, taken.metadata(), hash);
		double restore = seconds(started);
		if (!(outcome instanceof RestoreOutcome.Restored) || count(node) != rows) {
			throw new IllegalStateException("The restore did not install the snapshot: " + outcome);
		}
		System.out.printf(Locale.ROOT, "  take    %6.2f s  database %7.1f MB -> %6.1f MB zstd   (target <= %.0f s)%s%n",
				take, megabytes(taken.metadata().databaseSize()), megabytes(taken.metadata().size()),
				TAKE_TARGET_SECONDS, (take <= TAKE_TARGET_SECONDS) ? "" : "  OVER TARGET");
		System.out.printf(Locale.ROOT, "  store   %6.2f s  %6.1f MB put%n", put, megabytes(taken.metadata().size()));
		System.out.printf(Locale.ROOT,
				"  restore %6.2f s  get + check + unpack + install into a live database (target <= %.0f s)%s%n", restore,
				RESTORE_TARGET_SECONDS, (restore <= RESTORE_TARGET_SECONDS) ? "" : "  OVER TARGET");
	}

	/**
	 * A node that has replicated for a while: the table filled, capture installed, a stream position.
	 */
	private static void createOrigin(Path database, int rows) throws SQLException {
		try (Connection connection = SqliteConnections.open(database); Statement statement = connection.createStatement()) {
			createBooks(statement, rows);
			new ChangeCapture(connection, List.of(), List.of()).install();
			statement.execute("CREATE TABLE \"" + SnapshotTables.POSITIONS + "\" (stream TEXT PRIMARY KEY, "
					+ "sequence INTEGER NOT NULL, updated_at INTEGER)");
			statement.execute("INSERT INTO \"" + SnapshotTables.POSITIONS + "\" VALUES ('harmonylite-changes-0', "
					+ rows + ", 0)");
		}
	}

	/**
	 * Creates the books table with rows written before HarmonyLite ran (so not in any stream).
	 * @param statement a statement of the database
	 * @param rows how many rows
	 * @throws SQLException if they cannot be written
	 */
	static void createBooks(Statement statement, int rows) throws SQLException {
		statement.execute(BOOKS);
		if (rows > 0) {
			statement.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ") "
					+ "INSERT INTO books SELECT i, 'Title of book number ' || i, 'Author ' || (i % 5000), "
					+ "1900 + (i % 125) FROM n");
		}
	}

	/**
	 * A new node: the application's migration created the empty table, capture is installed.
	 * @return its schema hash
	 */
	private static String createNewNode(Path database) throws SQLException {
		try (Connection connection = SqliteConnections.open(database); Statement statement = connection.createStatement()) {
			statement.execute(BOOKS);
			new ChangeCapture(connection, List.of(), List.of()).install();
			return ReplicatedTables.all().schemaHash(connection);
		}
	}

	private static long count(Path database) throws SQLException {
		try (Connection connection = SqliteConnections.open(database); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM books")) {
			result.next();
			return result.getLong(1);
		}
	}

	private static double seconds(long startedNanos) {
		return (System.nanoTime() - startedNanos) / 1e9;
	}

	private static double megabytes(long bytes) {
		return bytes / 1e6;
	}

}
