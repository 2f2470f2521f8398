package io.harmonylite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.sqlite.SqliteConnections;
import org.slf4j.LoggerFactory;

/**
 * Measures how fast {@link ChangeApplier} applies batches of replicated upserts to a 4-column table (fresh inserts,
 * updates of existing rows, and a mix), in WAL mode with {@code synchronous=NORMAL}, and prints rows per second.
 * <p>
 * Options: {@code --batches N} (measured batches per phase and round, default 200), {@code --batch-size N} (default
 * 1000), {@code --warmup N} (warm-up batches, default 100), {@code --rounds N} (default 3; the median is reported).
 *
 * @since 0.1.0
 */
public final class ApplyBenchmark {

	private static final String STREAM = "bench-apply";

	private static final List<String> KEY = List.of("id");

	private static final double TARGET_ROWS_PER_SECOND = 250_000;

	private final int batches;

	private final int batchSize;

	private final ChangeApplier applier;

	private long sequence;

	private long nextId = 1;

	private ApplyBenchmark(int batches, int batchSize, ChangeApplier applier) {
		this.batches = batches;
		this.batchSize = batchSize;
		this.applier = applier;
	}

	public static void main(String[] args) throws Exception {
		// The applier logs every batch at DEBUG; keep the console (and the measurement) clean.
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(Level.INFO);
		Map<String, Integer> options = parse(args);
		int batches = options.getOrDefault("batches", 200);
		int batchSize = options.getOrDefault("batch-size", 1000);
		int warmup = options.getOrDefault("warmup", 100);
		int rounds = options.getOrDefault("rounds", 3);
		Path directory = Files.createTempDirectory("harmonylite-apply-bench");
		try {
			Path database = directory.resolve("bench.db");
			try (Connection setup = SqliteConnections.open(database); Statement statement = setup.createStatement()) {
				statement.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)");
			}
			try (ChangeApplier applier = ChangeApplier.open(database)) {
				new ApplyBenchmark(batches, batchSize, applier).run(warmup, rounds, database);
			}
		}
		finally {
			try (Stream<Path> files = Files.walk(directory)) {
				files.sorted(Comparator.reverseOrder()).forEach(ApplyBenchmark::delete);
			}
		}
	}

	private void run(int warmup, int rounds, Path database) throws SQLException {
		System.out.printf(Locale.ROOT, "Apply benchmark: batches of %,d upserts into books(id INTEGER PRIMARY KEY, "
				+ "title TEXT, author TEXT, year INTEGER); WAL, synchronous=NORMAL; %d cores%n", this.batchSize,
				Runtime.getRuntime().availableProcessors());
		System.out.printf(Locale.ROOT, "Warm-up: %,d batches%n", warmup);
		for (int i = 0; i < warmup; i++) {
			List<Long> inserted = apply(insertBatch());
			apply(updateBatch(inserted.get(0)));
		}
		String[] phases = { "fresh inserts", "updates of existing rows", "half inserts, half updates" };
		double[][] rates = new double[phases.length][rounds];
		for (int round = 0; round < rounds; round++) {
			long firstInserted = this.nextId;
			rates[0][round] = measure(() -> insertBatch());
			long[] updateStart = { firstInserted };
			rates[1][round] = measure(() -> {
				List<PositionedChange> batch = updateBatch(updateStart[0]);
				updateStart[0] += this.batchSize;
				return batch;
			});
			long[] mixedStart = { firstInserted };
			rates[2][round] = measure(() -> {
				List<PositionedChange> batch = mixedBatch(mixedStart[0]);
				mixedStart[0] += this.batchSize / 2;
				return batch;
			});
		}
		System.out.printf(Locale.ROOT, "Measured: %d rounds x %,d batches per phase (median, min..max rows/s)%n",
				rounds, this.batches);
		double overall = Double.MAX_VALUE;
		for (int phase = 0; phase < phases.length; phase++) {
			double[] sorted = rates[phase].clone();
			Arrays.sort(sorted);
			double median = sorted[sorted.length / 2];
			overall = Math.min(overall, median);
			System.out.printf(Locale.ROOT, "  %-28s %,12.0f rows/s   (%,.0f..%,.0f)%n", phases[phase], median,
					sorted[0], sorted[sorted.length - 1]);
		}
		System.out.printf(Locale.ROOT, "Slowest phase median: %,.0f rows/s; target >= %,.0f rows/s: %s%n", overall,
				TARGET_ROWS_PER_SECOND, (overall >= TARGET_ROWS_PER_SECOND) ? "MET" : "NOT MET");
		verify(database);
	}

	/** Builds every batch first, then times only the apply calls. */
	private double measure(BatchSource source) {
		List<List<PositionedChange>> prepared = new ArrayList<>(this.batches);
		for (int i = 0; i < this.batches; i++) {
			prepared.add(source.next());
		}
		long start = System.nanoTime();
		for (List<PositionedChange> batch : prepared) {
			this.applier.apply(batch);
		}
		long elapsed = System.nanoTime() - start;
		return (double) this.batches * this.batchSize / (elapsed / 1e9);
	}

	private List<Long> apply(List<PositionedChange> batch) {
		int applied = this.applier.apply(batch).applied();
		if (applied != batch.size()) {
			throw new IllegalStateException("Expected " + batch.size() + " applied changes, got " + applied);
		}
		return batch.stream().map((change) -> (Long) change.event().row().get("id")).toList();
	}

	private List<PositionedChange> insertBatch() {
		List<PositionedChange> batch = new ArrayList<>(this.batchSize);
		for (int i = 0; i < this.batchSize; i++) {
			batch.add(book(Operation.INSERT, this.nextId++, "Title "));
		}
		return batch;
	}

	private List<PositionedChange> updateBatch(long firstId) {
		List<PositionedChange> batch = new ArrayList<>(this.batchSize);
		for (int i = 0; i < this.batchSize; i++) {
			batch.add(book(Operation.UPDATE, firstId + i, "Revised title "));
		}
		return batch;
	}

	private List<PositionedChange> mixedBatch(long firstExistingId) {
		List<PositionedChange> batch = new ArrayList<>(this.batchSize);
		for (int i = 0; i < this.batchSize; i++) {
			batch.add((i % 2 == 0) ? book(Operation.INSERT, this.nextId++, "Title ")
					: book(Operation.UPDATE, firstExistingId + i / 2, "Second revision "));
		}
		return batch;
	}

	private PositionedChange book(Operation operation, long id, String titlePrefix) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", id);
		row.put("title", titlePrefix + id);
		row.put("author", "Author " + (id % 1000));
		row.put("year", 1900L + (id % 125));
		long position = ++this.sequence;
		return new PositionedChange(new ChangeEvent(2, position, "books", operation, row, KEY, 0, ""),
				new StreamPosition(STREAM, position));
	}

	private void verify(Path database) throws SQLException {
		try (Connection connection = SqliteConnections.open(database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM books")) {
			rows.next();
			System.out.printf(Locale.ROOT, "Rows in books: %,d; stream position: %,d%n", rows.getLong(1),
					this.applier.position(STREAM));
		}
	}

	private static Map<String, Integer> parse(String[] args) {
		Map<String, Integer> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("Usage: ApplyBenchmark [--batches N] [--batch-size N] "
						+ "[--warmup N] [--rounds N]; got '" + args[i] + "'");
			}
			options.put(args[i].substring(2), Integer.parseInt(args[++i]));
		}
		return options;
	}

	private static void delete(Path path) {
		try {
			Files.delete(path);
		}
		catch (IOException ex) {
			System.err.println("Could not delete " + path + ": " + ex.getMessage());
		}
	}

	@FunctionalInterface
	private interface BatchSource {

		List<PositionedChange> next();

	}

}
