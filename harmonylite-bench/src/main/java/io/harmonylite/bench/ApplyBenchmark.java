package io.harmonylite.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ch.qos.logback.classic.Level;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * Measures how fast {@link ChangeApplier} applies batches of replicated changes to a 4-column table (fresh inserts,
 * updates of existing rows' title, and a mix), versioned as this release publishes them (so each goes through the
 * conflict rule and its row's version is stored), in WAL mode with {@code synchronous=NORMAL}, and prints rows per
 * second.
 * <p>
 * Options: {@code --batches N} (measured batches per phase and round, default 200), {@code --batch-size N} (default
 * 1000), {@code --warmup N} (warm-up batches, default 100), {@code --rounds N} (default 3; the median is reported).
 *
 * @since 0.1.0
 */
public final class ApplyBenchmark {

	private static final String STREAM = "bench-apply";

	private static final List<String> KEY = List.of("id");

	private static final String PLAIN_TABLE = "plain_books";

	private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

	private static final Set<String> TITLE = Set.of("title");

	private static final long FIRST_VERSION = Version.hlcOf(System.currentTimeMillis());

	private static final double TARGET_ROWS_PER_SECOND = 250_000;

	private final int batches;

	private final int batchSize;

	private final ChangeApplier applier;

	private final Connection baseline;

	private long sequence;

	private long nextId = 1;

	private long nextPlainId = 1;

	private double lastCpuRate;

	private ApplyBenchmark(int batches, int batchSize, ChangeApplier applier, Connection baseline) {
		this.batches = batches;
		this.batchSize = batchSize;
		this.applier = applier;
		this.baseline = baseline;
	}

	public static void main(String[] args) throws Exception {
		// The applier logs every batch at DEBUG; keep the console (and the measurement) clean.
		BenchSupport.logLevel(Level.INFO);
		Map<String, Integer> options = BenchSupport.options(args, "./benchmark apply [--batches N] [--batch-size N] [--warmup N] [--rounds N]");
		int batches = options.getOrDefault("batches", 200);
		int batchSize = options.getOrDefault("batch-size", 1000);
		int warmup = options.getOrDefault("warmup", 100);
		int rounds = options.getOrDefault("rounds", 3);
		Path directory = Files.createTempDirectory("harmonylite-apply-bench");
		try {
			Path database = directory.resolve("bench.db");
			try (Connection setup = SqliteConnections.open(database); Statement statement = setup.createStatement()) {
				statement.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)");
				statement.execute("CREATE TABLE plain_books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)");
				statement.execute("CREATE TABLE baseline_books "
						+ "(id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)");
			}
			try (ChangeApplier applier = ChangeApplier.open(database);
					Connection baseline = SqliteConnections.open(database)) {
				new ApplyBenchmark(batches, batchSize, applier, baseline).run(warmup, rounds, database);
			}
		}
		finally {
			BenchSupport.deleteRecursively(directory);
		}
	}

	private void run(int warmup, int rounds, Path database) throws SQLException {
		System.out.printf(Locale.ROOT, "Apply benchmark: batches of %,d upserts into books(id INTEGER PRIMARY KEY, "
				+ "title TEXT, author TEXT, year INTEGER); WAL, synchronous=NORMAL; %d cores%n", this.batchSize,
				Runtime.getRuntime().availableProcessors());
		System.out.printf(Locale.ROOT, "Warm-up: %,d batches%n", warmup);
		try (PreparedStatement insert = this.baseline.prepareStatement(
				"INSERT INTO baseline_books (id, title, author, year) VALUES (?, ?, ?, ?)")) {
			for (int i = 0; i < warmup; i++) {
				List<Long> inserted = apply(insertBatch());
				apply(updateBatch(inserted.get(0)));
				apply(unversionedBatch());
				baseline(insert, (long) i * this.batchSize, baselineTexts((long) i * this.batchSize));
			}
			String[] phases = { "fresh inserts", "updates of existing rows", "half inserts, half updates",
					"unversioned upserts (no rule)" };
			double[][] rates = new double[phases.length][rounds];
			double[][] cpuRates = new double[phases.length][rounds];
			double[] baselineRates = new double[rounds];
			for (int round = 0; round < rounds; round++) {
				baselineRates[round] = measureBaseline(insert, (long) (warmup + round * this.batches) * this.batchSize);
				measureRound(rates, cpuRates, round);
			}
			report(phases, rates, cpuRates, baselineRates, rounds);
			reportFloor(rounds, (long) (warmup + rounds * this.batches) * this.batchSize, median(rates[1]));
		}
		verify(database);
	}

	private void measureRound(double[][] rates, double[][] cpuRates, int round) {
		long firstInserted = this.nextId;
		rates[0][round] = measure(() -> insertBatch());
		cpuRates[0][round] = this.lastCpuRate;
		long[] updateStart = { firstInserted };
		rates[1][round] = measure(() -> {
			List<PositionedChange> batch = updateBatch(updateStart[0]);
			updateStart[0] += this.batchSize;
			return batch;
		});
		cpuRates[1][round] = this.lastCpuRate;
		long[] mixedStart = { firstInserted };
		rates[2][round] = measure(() -> {
			List<PositionedChange> batch = mixedBatch(mixedStart[0]);
			mixedStart[0] += this.batchSize / 2;
			return batch;
		});
		cpuRates[2][round] = this.lastCpuRate;
		// What applying cost before versions: unconditional upserts (wire format 1) of a table without version state.
		rates[3][round] = measure(this::unversionedBatch);
		cpuRates[3][round] = this.lastCpuRate;
	}

	private void report(String[] phases, double[][] rates, double[][] cpuRates, double[] baselineRates, int rounds) {
		System.out.printf(Locale.ROOT, "Measured: %d rounds x %,d batches per phase (median, min..max rows/s)%n",
				rounds, this.batches);
		double baseline = median(baselineRates);
		System.out.printf(Locale.ROOT, "  %-28s %,12.0f rows/s   (%,.0f..%,.0f)%n", "baseline: plain JDBC INSERT",
				baseline, min(baselineRates), max(baselineRates));
		double slowest = Double.MAX_VALUE;
		for (int phase = 0; phase < phases.length; phase++) {
			double median = median(rates[phase]);
			if (phase < phases.length - 1) {
				slowest = Math.min(slowest, median);
			}
			System.out.printf(Locale.ROOT, "  %-28s %,12.0f rows/s   (%,.0f..%,.0f)  %3.0f%% of baseline%n",
					phases[phase], median, min(rates[phase]), max(rates[phase]), 100 * median / baseline);
		}
		System.out.printf(Locale.ROOT, "Versioned phases against unversioned upserts (wall clock): %s%n",
				ratios(rates));
		System.out.printf(Locale.ROOT, "Per CPU second of the applying thread (steady on a busy machine): %s rows; "
				+ "against unversioned upserts: %s%n", java.util.stream.IntStream.range(0, phases.length)
					.mapToObj((phase) -> String.format(Locale.ROOT, "%,.0f", median(cpuRates[phase])))
					.collect(java.util.stream.Collectors.joining(" / ")), ratios(cpuRates));
		System.out.printf(Locale.ROOT, "Slowest phase median: %,.0f rows/s; target >= %,.0f rows/s: %s%n", slowest,
				TARGET_ROWS_PER_SECOND, (slowest >= TARGET_ROWS_PER_SECOND) ? "MET" : "NOT MET");
	}

	/**
	 * What a second B-tree per row costs by itself, with nothing of HarmonyLite: plain JDBC updates of the title of
	 * existing rows, without and with the upsert of each row's version state into a table laid out as HarmonyLite's
	 * ({@code tbl, pk, vv}, without rowid), measured alternately.
	 */
	private void reportFloor(int rounds, long rows, double versionedUpdates) throws SQLException {
		try (Statement statement = this.baseline.createStatement()) {
			statement.execute("CREATE TABLE baseline_versions (tbl TEXT NOT NULL, pk BLOB NOT NULL, vv BLOB NOT NULL, "
					+ "PRIMARY KEY (tbl, pk)) WITHOUT ROWID");
		}
		try (PreparedStatement update = this.baseline.prepareStatement("UPDATE baseline_books SET title = ? WHERE id = ?");
				PreparedStatement version = this.baseline.prepareStatement("INSERT INTO baseline_versions (tbl, pk, vv) "
						+ "VALUES ('baseline_books', ?, ?) ON CONFLICT (tbl, pk) DO UPDATE SET vv = excluded.vv")) {
			long batchCount = rows / this.batchSize;
			for (long batch = 0; batch < batchCount; batch++) {
				floorBatch(update, version, batch * this.batchSize, true, false);
			}
			double[] plain = new double[rounds];
			double[] versioned = new double[rounds];
			long next = 0;
			for (int round = 0; round < rounds; round++) {
				for (int variant = 0; variant < 2; variant++) {
					long start = System.nanoTime();
					for (int i = 0; i < this.batches; i++) {
						floorBatch(update, version, (next++ % batchCount) * this.batchSize, variant == 1, true);
					}
					double rate = (double) this.batches * this.batchSize / ((System.nanoTime() - start) / 1e9);
					((variant == 0) ? plain : versioned)[round] = rate;
				}
			}
			System.out.printf(Locale.ROOT, "Floor of a version table of its own (plain JDBC, no HarmonyLite):%n");
			System.out.printf(Locale.ROOT, "  %-28s %,12.0f rows/s%n", "UPDATE of the title", median(plain));
			System.out.printf(Locale.ROOT, "  %-28s %,12.0f rows/s   %.2fx the plain UPDATE%n",
					"UPDATE + version-row upsert", median(versioned), median(versioned) / median(plain));
			System.out.printf(Locale.ROOT, "Versioned updates (rule, reads, column versions) against that floor: %.2fx%n",
					versionedUpdates / median(versioned));
		}
	}

	private void floorBatch(PreparedStatement update, PreparedStatement version, long firstId, boolean withVersion,
			boolean withUpdate) throws SQLException {
		try (Statement statement = this.baseline.createStatement()) {
			statement.execute("BEGIN IMMEDIATE");
			for (int i = 0; i < this.batchSize; i++) {
				long id = firstId + i;
				if (withUpdate) {
					update.setString(1, "Floor title " + id);
					update.setLong(2, id);
					update.addBatch();
				}
				if (withVersion) {
					version.setBytes(1, java.nio.ByteBuffer.allocate(9).put((byte) 1).putLong(id).array());
					version.setBytes(2, java.nio.ByteBuffer.allocate(20).putLong(FIRST_VERSION + id).putLong(id).array());
					version.addBatch();
				}
			}
			if (withUpdate) {
				update.executeBatch();
			}
			if (withVersion) {
				version.executeBatch();
			}
			statement.execute("COMMIT");
		}
	}

	/** The same rows written with a batched plain INSERT on its own connection: the ceiling without the applier. */
	private double measureBaseline(PreparedStatement insert, long firstId) throws SQLException {
		// Values are built before timing, as the applier's changes are.
		List<String[]> texts = new ArrayList<>(this.batches);
		for (int i = 0; i < this.batches; i++) {
			texts.add(baselineTexts(firstId + (long) i * this.batchSize));
		}
		long start = System.nanoTime();
		for (int i = 0; i < this.batches; i++) {
			baseline(insert, firstId + (long) i * this.batchSize, texts.get(i));
		}
		return (double) this.batches * this.batchSize / ((System.nanoTime() - start) / 1e9);
	}

	private String[] baselineTexts(long firstId) {
		String[] texts = new String[2 * this.batchSize];
		for (int i = 0; i < this.batchSize; i++) {
			texts[2 * i] = "Title " + (firstId + i);
			texts[2 * i + 1] = "Author " + ((firstId + i) % 1000);
		}
		return texts;
	}

	private void baseline(PreparedStatement insert, long firstId, String[] texts) throws SQLException {
		try (Statement statement = this.baseline.createStatement()) {
			statement.execute("BEGIN IMMEDIATE");
			for (int i = 0; i < this.batchSize; i++) {
				insert.setLong(1, firstId + i);
				insert.setString(2, texts[2 * i]);
				insert.setString(3, texts[2 * i + 1]);
				insert.setLong(4, 1900L + ((firstId + i) % 125));
				insert.addBatch();
			}
			insert.executeBatch();
			statement.execute("COMMIT");
		}
	}

	/** Each versioned phase's median as a multiple of the unversioned phase's (the last). */
	private static String ratios(double[][] rates) {
		double unversioned = median(rates[rates.length - 1]);
		return java.util.stream.IntStream.range(0, rates.length - 1)
			.mapToObj((phase) -> String.format(Locale.ROOT, "%.2fx", median(rates[phase]) / unversioned))
			.collect(java.util.stream.Collectors.joining(" / "));
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static double min(double[] values) {
		return Arrays.stream(values).min().orElse(0);
	}

	private static double max(double[] values) {
		return Arrays.stream(values).max().orElse(0);
	}

	/** Builds every batch first, then times only the apply calls. */
	private double measure(BatchSource source) {
		List<List<PositionedChange>> prepared = new ArrayList<>(this.batches);
		for (int i = 0; i < this.batches; i++) {
			prepared.add(source.next());
		}
		long cpuStart = THREADS.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		for (List<PositionedChange> batch : prepared) {
			this.applier.apply(batch);
		}
		long elapsed = System.nanoTime() - start;
		this.lastCpuRate = (double) this.batches * this.batchSize / ((THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9);
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

	/** Half inserts of new rows, half updates of rows inserted earlier, unversioned, into {@code plain_books}. */
	private List<PositionedChange> unversionedBatch() {
		List<PositionedChange> batch = new ArrayList<>(this.batchSize);
		for (int i = 0; i < this.batchSize; i++) {
			boolean update = i % 2 == 1 && this.nextPlainId > this.batchSize;
			long id = update ? this.nextPlainId - this.batchSize : this.nextPlainId++;
			ChangeEvent event = book(update ? Operation.UPDATE : Operation.INSERT, id, "Title ").event();
			long position = ++this.sequence;
			batch.add(new PositionedChange(new ChangeEvent(2, position, PLAIN_TABLE, event.operation(), event.row(),
					KEY, 0, ""), new StreamPosition(STREAM, position)));
		}
		return batch;
	}

	/**
	 * A versioned change from node 2, as a node of this release publishes it: an insert writes every column, an update
	 * changes the title, each at a version newer than the one before, so every change wins.
	 */
	private PositionedChange book(Operation operation, long id, String titlePrefix) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", id);
		row.put("title", titlePrefix + id);
		row.put("author", "Author " + (id % 1000));
		row.put("year", 1900L + (id % 125));
		long position = ++this.sequence;
		return new PositionedChange(new ChangeEvent(2, position, "books", operation, row, KEY, 0, "",
				FIRST_VERSION + position, (operation == Operation.UPDATE) ? TITLE : null),
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

	@FunctionalInterface
	private interface BatchSource {

		List<PositionedChange> next();

	}

}
