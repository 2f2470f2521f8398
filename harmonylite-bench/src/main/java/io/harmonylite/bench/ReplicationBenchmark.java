package io.harmonylite.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.Level;
import io.harmonylite.apply.ApplyListener;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.bench.LagProbe.Lag;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.NatsTestCluster;

/**
 * End-to-end replication figures on this machine: three nodes (in this JVM) on a three-server NATS cluster (separate
 * processes), each with its own SQLite file. Prints replicated rows/s for shards=1 and shards=4 (streams with 1 and 3
 * replicas) and replication lag p50/p99 at a steady 500 single-row transactions/s (1 and 3 replicas), once with the
 * servers syncing every write before acknowledging it ({@code sync_interval: always}, HarmonyLite's default for
 * embedded servers) and once with nats-server's own default (sync every 2 minutes), side by side; then, with sync
 * always, the lag with all nodes on one server and the catch-up rate of a node that was down while 100,000 changes
 * were written. Each node connects to a server of its own, as with a nats-server beside every node. Throughput and lag
 * are measured beside a {@link MinimalPipeline} of the same parts on the same servers, and the lag is split where the
 * rows pass the writer's server ({@link LagProbe}).
 * <p>
 * Options: {@code --rows N} (rows per throughput run, default 50000), {@code --catch-up N} (default 100000),
 * {@code --lag-seconds N} (default 10), {@code --sync always|interval} (one setting only), {@code --throughput-only} (throughput beside the minimal pipeline, {@code --rounds N} times). {@code --external-writer}
 * measures instead what another process's writes cost: the lag of a {@code sqlite3} CLI writer at 100 tx/s, a
 * {@code --big-rows N} (default 200000) row transaction made by the CLI, the catch-up, with this process's memory peaks.
 * {@code --big-only} (with {@code --external-writer}) measures only the transaction, {@code --lag-only} only the
 * CLI writer's lag. {@code --lag-only} measures only
 * the lag at 500 tx/s (1 replica, each node on its own server and all on one), with the minimal pipeline running at
 * the same time (each at 500 tx/s on its own files and stream), so that both see the same load.
 * {@code --standalone-node ["JVM options"]} measures the standalone node ({@code harmonylite-node/target/harmonylite.jar})
 * in a process of its own: process start to replicating, the engine's share of its startup, and its resident memory
 * during such a transaction and a catch-up. {@code --catch-up-only} measures only the catch-up, {@code --rounds N}
 * times (default 1).
 *
 * @since 0.1.0
 */
public final class ReplicationBenchmark {

	/** The standalone node's launcher, which the benchmark runs as a user does. */
	private static final Path LAUNCHER = Path.of("harmonylite").toAbsolutePath();

	private static final String DDL = "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)";

	private static final int LAG_RATE = 500;

	private static final int LAG_WARM_UP_SECONDS = 3;

	private static final int EXTERNAL_RATE = 100;

	private static final int[] REPLICAS = { 1, 3 };

	private static final int[] SHARDS = { 1, 4 };

	private final NatsTestCluster cluster;

	private final Path directory;

	private final String prefix;

	private int run;

	// When set, each lag report prints the CPU time of this process's threads since then (threads still running).
	private @org.jspecify.annotations.Nullable ThreadCpu cpu;

	private Topology topology = Topology.SERVER_PER_NODE;

	// How long each engine took to build and start (to replicating), for the startup line.
	private final List<Long> startTimes = new ArrayList<>();

	private ReplicationBenchmark(NatsTestCluster cluster, Path directory, String prefix) {
		this.cluster = cluster;
		this.directory = directory;
		this.prefix = prefix;
	}

	public static void main(String[] args) throws Exception {
		BenchSupport.logLevel(Level.WARN);
		// Expected here: the test servers do not let nodes read their sync setting, and one bucket serves R1 and R3.
		BenchSupport.logLevel("io.harmonylite.nats.DurabilityCheck", Level.ERROR);
		BenchSupport.logLevel("io.harmonylite.nats.KvSchemaRegistry", Level.ERROR);
		int rows = option(args, "--rows", 50_000);
		int catchUpRows = option(args, "--catch-up", 100_000);
		int lagSeconds = option(args, "--lag-seconds", 10);
		Path directory = Files.createTempDirectory("harmonylite-replication-bench");
		System.out.printf("HarmonyLite replication benchmark: 3 nodes, 3 nats-server processes, %d cores%n",
				Runtime.getRuntime().availableProcessors());
		Map<SyncMode, Figures> figures = new EnumMap<>(SyncMode.class);
		try {
			int standalone = Arrays.asList(args).indexOf("--standalone-node");
			if (standalone >= 0) {
				List<String> javaOptions = (standalone + 1 < args.length && !args[standalone + 1].startsWith("--"))
						? List.of(args[standalone + 1].split(" ")) : List.of();
				try (NatsTestCluster cluster = NatsTestCluster.start(3, SyncMode.ALWAYS.jetStreamConfig)) {
					new ReplicationBenchmark(cluster, directory, "standalone").standaloneNode(
							Path.of("harmonylite-node/target/harmonylite.jar"), javaOptions,
							option(args, "--big-rows", 200_000), catchUpRows);
				}
				System.exit(0);
			}
			if (Arrays.asList(args).contains("--catch-up-only")) {
				try (NatsTestCluster cluster = NatsTestCluster.start(3, SyncMode.ALWAYS.jetStreamConfig)) {
					ReplicationBenchmark bench = new ReplicationBenchmark(cluster, directory, "catchup");
					System.out.printf("%n%s:%n", SyncMode.ALWAYS.description);
					for (int round = 0; round < option(args, "--rounds", 1); round++) {
						bench.catchUp(catchUpRows);
					}
				}
				System.exit(0);
			}
			if (Arrays.asList(args).contains("--external-writer")) {
				try (NatsTestCluster cluster = NatsTestCluster.start(3, SyncMode.ALWAYS.jetStreamConfig)) {
					ReplicationBenchmark bench = new ReplicationBenchmark(cluster, directory, "external");
					System.out.printf("%nanother process writes (the sqlite3 CLI), %s:%n", SyncMode.ALWAYS.description);
					boolean bigOnly = Arrays.asList(args).contains("--big-only");
					boolean lagOnly = Arrays.asList(args).contains("--lag-only");
					if (!bigOnly) {
						NoticeLatency.measure(bench.createDatabase(0), 300, 1);
						bench.externalLag(lagSeconds);
					}
					if (!lagOnly) {
						bench.bigTransaction(option(args, "--big-rows", 200_000));
					}
					if (!bigOnly && !lagOnly) {
						bench.catchUp(catchUpRows);
						bench.printStartTimes();
					}
				}
				System.exit(0);
			}
			if (Arrays.asList(args).contains("--throughput-only")) {
				try (NatsTestCluster cluster = NatsTestCluster.start(3, SyncMode.ALWAYS.jetStreamConfig)) {
					ReplicationBenchmark bench = new ReplicationBenchmark(cluster, directory, "throughput");
					bench.throughput(1, 1, 5_000); // warm-up
					bench.minimalThroughput(1, 5_000);
					bench.cpu = new ThreadCpu();
					for (int round = 0; round < option(args, "--rounds", 2); round++) {
						double minimal = bench.minimalThroughput(1, rows);
						double rate = bench.throughput(1, 1, rows);
						System.out.printf(Locale.ROOT, "throughput  shards=1 replicas=1: %,9.0f rows/s against the minimal pipeline's %,9.0f (%.2fx)%n",
								rate, minimal, rate / minimal);
					}
				}
				System.exit(0);
			}
			if (Arrays.asList(args).contains("--lag-only")) {
				try (NatsTestCluster cluster = NatsTestCluster.start(3, SyncMode.ALWAYS.jetStreamConfig)) {
					ReplicationBenchmark bench = new ReplicationBenchmark(cluster, directory, "lag");
					bench.throughput(1, 1, 5_000); // warm-up
					bench.minimalThroughput(1, 5_000);
					for (Topology topology : Topology.values()) {
						bench.topology = topology;
						// Both at once, each at 500 tx/s on its own files and stream: the same moment's load for both.
						bench.cpu = new ThreadCpu();
						java.util.concurrent.ExecutorService together = java.util.concurrent.Executors.newFixedThreadPool(2);
						java.util.concurrent.Future<Lag> minimalRun = together.submit(() -> bench.minimalLag(lagSeconds, 1));
						java.util.concurrent.Future<Lag> lagRun = together.submit(() -> bench.lag(lagSeconds, 1));
						Lag minimal = minimalRun.get();
						Lag lag = lagRun.get();
						together.shutdown();
						System.out.printf(Locale.ROOT, "ratio       %s, measured together: p50 %.2f vs %.2f ms (%.2fx), p99 %.2f vs %.2f ms (%.2fx)%n",
								topology.description, lag.p50(), minimal.p50(), lag.p50() / minimal.p50(), lag.p99(),
								minimal.p99(), lag.p99() / minimal.p99());
					}
				}
				System.exit(0);
			}
			for (SyncMode sync : syncModes(args)) {
				System.out.printf("%n%s:%n", sync.description);
				try (NatsTestCluster cluster = NatsTestCluster.start(3, sync.jetStreamConfig)) {
					ReplicationBenchmark bench = new ReplicationBenchmark(cluster, directory, sync.name().toLowerCase(Locale.ROOT));
					figures.put(sync, bench.measure(rows, lagSeconds));
					if (sync == SyncMode.ALWAYS) {
						bench.onOneServer(() -> bench.minimalLag(lagSeconds, 1));
						bench.onOneServer(() -> bench.lag(lagSeconds, 1));
						bench.catchUp(catchUpRows);
						bench.printStartTimes();
					}
				}
			}
		}
		finally {
			BenchSupport.deleteRecursively(directory);
		}
		printSideBySide(figures, rows);
		System.exit(0);
	}

	/**
	 * Throughput for every shards and replicas, and lag for every replicas, each beside the minimal pipeline's on the
	 * same servers; lag first, so that no earlier run's writes are still being flushed to disk.
	 */
	private Figures measure(int rows, int lagSeconds) throws Exception {
		throughput(1, 1, Math.min(rows, 5_000)); // warm-up
		minimalThroughput(1, Math.min(rows, 5_000));
		Map<Integer, Lag> lags = new java.util.TreeMap<>();
		Map<Integer, Lag> minimalLags = new java.util.TreeMap<>();
		for (int replicas : REPLICAS) {
			minimalLags.put(replicas, minimalLag(lagSeconds, replicas));
			lags.put(replicas, lag(lagSeconds, replicas));
		}
		Map<String, Double> rates = new java.util.LinkedHashMap<>();
		for (int replicas : REPLICAS) {
			double minimal = minimalThroughput(replicas, rows);
			rates.put("minimal/" + replicas, minimal);
			System.out.printf(Locale.ROOT, "throughput  minimal pipeline   replicas=%d: %,9.0f rows/s end-to-end%n", replicas, minimal);
			for (int shards : SHARDS) {
				double rate = throughput(shards, replicas, rows);
				rates.put(shards + "/" + replicas, rate);
				System.out.printf(Locale.ROOT, "throughput  shards=%d replicas=%d: %,9.0f rows/s end-to-end (%,d rows in 100-row transactions, until applied on nodes 2 and 3), %.2fx the minimal pipeline%n",
						shards, replicas, rate, rows, rate / minimal);
			}
		}
		Figures figures = new Figures(rates, lags, minimalLags);
		figures.printRatios();
		return figures;
	}

	private static void printSideBySide(Map<SyncMode, Figures> figures, int rows) {
		Figures always = figures.get(SyncMode.ALWAYS);
		Figures interval = figures.get(SyncMode.INTERVAL);
		if (always == null || interval == null) {
			return;
		}
		System.out.printf("%nSide by side (each node on its own server; throughput: %,d rows in 100-row transactions):%n", rows);
		System.out.printf(Locale.ROOT, "%-38s %18s %18s %8s%n", "", "sync always", "sync 2m (default)", "always");
		for (int replicas : REPLICAS) {
			for (int shards : SHARDS) {
				String key = shards + "/" + replicas;
				double a = always.rates.get(key);
				double b = interval.rates.get(key);
				System.out.printf(Locale.ROOT, "%-38s %18s %18s %7.0f%%%n",
						"throughput shards=" + shards + " replicas=" + replicas + " (rows/s)", String.format(Locale.ROOT, "%,.0f", a),
						String.format(Locale.ROOT, "%,.0f", b), 100 * a / b);
			}
		}
		for (int replicas : REPLICAS) {
			Lag a = always.lags.get(replicas);
			Lag b = interval.lags.get(replicas);
			System.out.printf(Locale.ROOT, "%-38s %18s %18s%n", "lag replicas=" + replicas + " p50/p99 (ms)", a.p50p99(), b.p50p99());
		}
	}

	/** How the servers sync JetStream's files. */
	private enum SyncMode {

		ALWAYS("sync_interval: always", "sync always (every write synced before it is acknowledged; HarmonyLite's embedded default)"),

		INTERVAL("", "sync 2m (nats-server's default: acknowledged before it is on disk)");

		private final String jetStreamConfig;

		private final String description;

		SyncMode(String jetStreamConfig, String description) {
			this.jetStreamConfig = jetStreamConfig;
			this.description = description;
		}

	}

	private record Figures(Map<String, Double> rates, Map<Integer, Lag> lags, Map<Integer, Lag> minimalLags) {

		/** HarmonyLite against the minimal pipeline measured in the same run, on the same servers. */
		void printRatios() {
			System.out.println("against the minimal pipeline of this run (each node on its own server):");
			for (int replicas : REPLICAS) {
				Lag lag = this.lags.get(replicas);
				Lag minimal = this.minimalLags.get(replicas);
				double minimalRate = this.rates.get("minimal/" + replicas);
				System.out.printf(Locale.ROOT, "  replicas=%d: throughput shards=1 %.2fx, shards=4 %.2fx; lag p50 %.2f vs %.2f ms (%.2fx), p99 %.2f vs %.2f ms (%.2fx)%n",
						replicas, this.rates.get("1/" + replicas) / minimalRate, this.rates.get("4/" + replicas) / minimalRate,
						lag.p50(), minimal.p50(), lag.p50() / minimal.p50(), lag.p99(), minimal.p99(), lag.p99() / minimal.p99());
			}
		}

	}

	private double throughput(int shards, int replicas, int rows) throws Exception {
		List<Node> nodes = startNodes(3, shards, replicas, ApplyListener.NONE);
		try (Connection writer = SqliteConnections.open(nodes.get(0).db)) {
			long start = System.nanoTime();
			ThreadCpu used = new ThreadCpu();
			insert(writer, 1, rows, 100, nodes.get(0).engine::changesCommitted);
			awaitCount(nodes.get(1).db, rows);
			awaitCount(nodes.get(2).db, rows);
			double rate = rows / ((System.nanoTime() - start) / 1e9);
			if (this.cpu != null) {
				System.out.println("            CPU by thread: " + used.describe(8));
			}
			return rate;
		}
		finally {
			nodes.forEach(Node::close);
		}
	}

	/** Throughput of the minimal pipeline: the same rows, writer and receivers as {@link #throughput}. */
	private double minimalThroughput(int replicas, int rows) throws Exception {
		this.run++;
		List<Path> dbs = createDatabases(3);
		try (MinimalPipeline pipeline = minimalPipeline(dbs, "minimal-" + this.prefix + "-" + this.run, replicas, (id) -> {
		}); Connection writer = SqliteConnections.open(dbs.get(0))) {
			long start = System.nanoTime();
			insert(writer, 1, rows, 100, pipeline::committed);
			awaitCount(dbs.get(1), rows);
			awaitCount(dbs.get(2), rows);
			return rows / ((System.nanoTime() - start) / 1e9);
		}
	}

	/** Starts three nodes (one shard); node 2 reports each row from node 1 it applied to the probe, once it is set. */
	private List<Node> startProbedNodes(int replicas, LagProbe[] probe) throws Exception {
		ApplyListener onNode2 = new ApplyListener() {
			@Override
			public void applied(ChangeEvent event, Duration lag) {
				if (event.originNodeId() == 1 && probe[0] != null) {
					probe[0].applied((Long) event.row().get("id"));
				}
			}
		};
		List<Node> nodes = new ArrayList<>(startNodes(1, 1, replicas, ApplyListener.NONE));
		nodes.add(startNode(2, 1, replicas, onNode2));
		nodes.add(startNode(3, 1, replicas, ApplyListener.NONE));
		return nodes;
	}

	/** A probe on the subject of the nodes last started (shard 0). */
	private LagProbe probe(long warmUp) throws Exception {
		ChangeEventCodec codec = new ChangeEventCodec(false);
		return new LagProbe(this.topology.serverOf(1, this.cluster.urls()), "bench-" + this.prefix + "-" + this.run + "-log-0",
				(bytes) -> codec.decodeAll(bytes).stream().mapToLong((event) -> (Long) event.row().get("id")).toArray(),
				warmUp);
	}

	private void onOneServer(java.util.concurrent.Callable<?> measurement) throws Exception {
		this.topology = Topology.ONE_SERVER;
		try {
			measurement.call();
		}
		finally {
			this.topology = Topology.SERVER_PER_NODE;
		}
	}

	private Lag lag(int seconds, int replicas) throws Exception {
		LagProbe[] probe = new LagProbe[1];
		List<Node> nodes;
		LagProbe created;
		// Names follow this.run: set up one pipeline at a time when two are measured together.
		synchronized (this) {
			nodes = startProbedNodes(replicas, probe);
			created = probe(LAG_WARM_UP_SECONDS * LAG_RATE);
		}
		try (LagProbe started = created) {
			probe[0] = started;
			drive(started, nodes.get(0).db, nodes.get(0).engine::changesCommitted, seconds, nodes.get(1).db);
			return report("HarmonyLite", started, replicas, seconds);
		}
		finally {
			nodes.forEach(Node::close);
		}
	}

	/** The same lag through the minimal pipeline, on the same servers. */
	private Lag minimalLag(int seconds, int replicas) throws Exception {
		int warmUp = LAG_WARM_UP_SECONDS * LAG_RATE;
		List<Path> dbs;
		String stream;
		synchronized (this) {
			this.run++;
			dbs = createDatabases(3);
			stream = "minimal-" + this.prefix + "-" + this.run;
		}
		LagProbe[] probe = new LagProbe[1];
		try (MinimalPipeline pipeline = minimalPipeline(dbs, stream, replicas, (id) -> probe[0].applied(id));
				LagProbe started = new LagProbe(this.topology.serverOf(1, this.cluster.urls()), stream + "-subject",
						MinimalPipeline::ids, warmUp)) {
			probe[0] = started;
			drive(started, dbs.get(0), pipeline::committed, seconds, dbs.get(1));
			return report("minimal pipeline", started, replicas, seconds);
		}
	}

	private MinimalPipeline minimalPipeline(List<Path> dbs, String stream, int replicas, java.util.function.LongConsumer onApplied)
			throws Exception {
		List<String> urls = this.cluster.urls();
		return new MinimalPipeline(dbs.get(0), dbs.subList(1, dbs.size()), this.topology.serverOf(1, urls),
				List.of(this.topology.serverOf(2, urls), this.topology.serverOf(3, urls)), stream, replicas, onApplied);
	}

	/** Writes single-row transactions at LAG_RATE on a connection of this process, signalling each commit. */
	private static void drive(LagProbe probe, Path source, Runnable committed, int seconds, Path node2) throws Exception {
		try (Connection writer = SqliteConnections.open(source);
				PreparedStatement insert = writer.prepareStatement("INSERT INTO books VALUES (?, 'Title', 'Author', 2000)")) {
			drive(probe, LAG_RATE, seconds, node2, (id) -> {
				long start = probe.starting(id);
				insert.setLong(1, id);
				insert.executeUpdate();
				committed.run();
				probe.committed(id, start);
			});
		}
	}

	/** Writes one row per call at the given rate: a warm-up, then the measured seconds, until all reached node 2. */
	private static void drive(LagProbe probe, int rate, int seconds, Path node2, RowWriter writer) throws Exception {
		int warmUp = LAG_WARM_UP_SECONDS * rate;
		int total = warmUp + seconds * rate;
		long interval = 1_000_000_000L / rate;
		long next = System.nanoTime();
		for (long id = 1; id <= total; id++) {
			LockSupport.parkNanos(next - System.nanoTime());
			writer.write(id);
			if (id == warmUp) {
				awaitCount(node2, warmUp);
				next = System.nanoTime();
			}
			next += interval;
		}
		awaitCount(node2, total);
	}

	/** Writes the row with the given id. */
	@FunctionalInterface
	private interface RowWriter {

		void write(long id) throws Exception;

	}

	/**
	 * Lag when another process writes: the sqlite3 CLI inserts single rows at EXTERNAL_RATE on node 1, which notices
	 * the commits only through its file watch or its poll of {@code PRAGMA data_version}.
	 */
	private void externalLag(int seconds) throws Exception {
		LagProbe[] probe = new LagProbe[1];
		List<Node> nodes = startProbedNodes(1, probe);
		Process cli = new ProcessBuilder("sqlite3", nodes.get(0).db.toString()).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		try (java.io.Writer input = new java.io.OutputStreamWriter(cli.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
				LagProbe started = probe(LAG_WARM_UP_SECONDS * EXTERNAL_RATE)) {
			probe[0] = started;
			input.write(".timeout 30000\n");
			drive(started, EXTERNAL_RATE, seconds, nodes.get(1).db, (id) -> {
				started.starting(id);
				input.write("INSERT INTO books VALUES (" + id + ", 'Title', 'Author', 2000);\n");
				input.flush();
			});
			Lag lag = started.lag();
			System.out.printf(Locale.ROOT, "lag         sqlite3 CLI writer, %d tx/s for %d s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (line written to the CLI to committed on node 2, %d samples; the node is not told of the commits)%n",
					EXTERNAL_RATE, seconds, lag.p50(), lag.p99(), lag.max(), lag.samples());
			started.printBreakdown("            ");
		}
		finally {
			cli.destroy();
			nodes.forEach(Node::close);
		}
	}

	/**
	 * A large transaction made by another process: the sqlite3 CLI inserts {@code rows} rows in one transaction on node
	 * 1; measured from the CLI's exit (its commit) until nodes 2 and 3 hold every row, with this process's memory peaks
	 * (three nodes run in it).
	 */
	private void bigTransaction(int rows) throws Exception {
		List<Node> nodes = startNodes(3, 1, 1, ApplyListener.NONE);
		ChangeEventCodec codec = new ChangeEventCodec(false);
		java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
		java.util.concurrent.atomic.AtomicLong firstSeenAt = new java.util.concurrent.atomic.AtomicLong();
		java.util.concurrent.atomic.AtomicLong allSeenAt = new java.util.concurrent.atomic.AtomicLong();
		try (MemoryPeak memory = new MemoryPeak();
				io.nats.client.Connection probe = io.nats.client.Nats.connect(this.topology.serverOf(1, this.cluster.urls()))) {
			// Where the time goes: when the rows pass the writer's server (published), against when they are applied.
			probe.createDispatcher((message) -> {
				long now = System.nanoTime();
				firstSeenAt.compareAndSet(0, now);
				if (seen.addAndGet(codec.decodeAll(message.getData()).size()) >= rows) {
					allSeenAt.compareAndSet(0, now);
				}
			}).subscribe("bench-" + this.prefix + "-" + this.run + "-log-0");
			probe.flush(Duration.ofSeconds(5));
			long started = System.nanoTime();
			long committed = cliTransaction(nodes.get(0).db, 1, rows);
			ThreadCpu cpu = new ThreadCpu();
			awaitCount(nodes.get(1).db, rows);
			double second = rows / ((System.nanoTime() - committed) / 1e9);
			awaitCount(nodes.get(2).db, rows);
			double both = rows / ((System.nanoTime() - committed) / 1e9);
			System.out.printf(Locale.ROOT, "big tx      %,d rows in one sqlite3 CLI transaction (%.1f s to write and commit): %,.0f rows/s to node 2, %,.0f rows/s to nodes 2 and 3 (from the commit)%n",
					rows, (committed - started) / 1e9, second, both);
			System.out.printf(Locale.ROOT, "            published (seen on the writer's server): first rows %.2f s, all rows %.2f s after the commit (%,.0f rows/s); applied on node 2 %.2f s after it%n",
					(firstSeenAt.get() - committed) / 1e9, (allSeenAt.get() - committed) / 1e9,
					rows / ((allSeenAt.get() - committed) / 1e9), rows / second);
			System.out.printf("            CPU of this process's threads from the commit until applied (3 nodes): %s%n",
					cpu.describe(8));
			System.out.printf("            memory of this process (3 nodes and the benchmark): %s%n", memory.describe());
		}
		finally {
			nodes.forEach(Node::close);
		}
	}

	/**
	 * Inserts rows in one transaction with the sqlite3 CLI.
	 * @return when the CLI exited, its transaction committed
	 */
	private static long cliTransaction(Path db, long firstId, int rows) throws Exception {
		String sql = "BEGIN; WITH RECURSIVE n(x) AS (SELECT " + firstId + " UNION ALL SELECT x + 1 FROM n WHERE x < "
				+ (firstId + rows - 1) + ") INSERT INTO books SELECT x, 'Title ' || x, 'Author ' || (x % 1000), "
				+ "1900 + x % 125 FROM n; COMMIT;";
		Process cli = new ProcessBuilder("sqlite3", "-cmd", ".timeout 30000", db.toString(), sql)
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.INHERIT)
			.start();
		if (cli.waitFor() != 0) {
			throw new IllegalStateException("sqlite3 failed with exit code " + cli.exitValue());
		}
		return System.nanoTime();
	}

	/**
	 * The standalone node in a process of its own (node 2, receiving from node 1 in this process): from its process
	 * start to its first replicated row, with the engine's share of the Spring application's startup; its resident
	 * memory during a transaction of {@code bigRows} rows made by the sqlite3 CLI on node 1, and during its catch-up of
	 * {@code catchUpRows} changes written while it was stopped.
	 */
	private void standaloneNode(Path jar, List<String> javaOptions, int bigRows, int catchUpRows) throws Exception {
		this.run++;
		Node writer = startNode(1, 1, 1, ApplyListener.NONE);
		Path db = createDatabase(2);
		String streams = "bench-" + this.prefix + "-" + this.run;
		List<String> properties = List.of("--harmonylite.node-id=2", "--harmonylite.db-path=" + db,
				"--harmonylite.nats.urls=" + this.topology.serverOf(2, this.cluster.urls()),
				"--harmonylite.replication.stream-prefix=" + streams,
				"--harmonylite.replication.subject-prefix=" + streams + "-log", "--harmonylite.replication.replicas=1",
				"--harmonylite.snapshot.enabled=false", "--server.port=0");
		String heap = javaOptions.isEmpty() ? "run by ./harmonylite without JAVA_OPTS (its default JVM options)"
				: "run by ./harmonylite with JAVA_OPTS=\"" + String.join(" ", javaOptions) + "\"";
		System.out.printf("%nthe standalone node (harmonylite.jar) in a process of its own, %s:%n", heap);
		StandaloneNode node = null;
		try (Connection connection = SqliteConnections.open(writer.db)) {
			insert(connection, 1, 1, 1, writer.engine::changesCommitted);
			node = StandaloneNode.start(LAUNCHER, jar, javaOptions, properties,
					this.directory.resolve("standalone-1.log"));
			awaitCount(db, 1);
			System.out.printf(Locale.ROOT, "startup     process start to replicating (its first replicated row): %.2f s; %s%n",
					(System.nanoTime() - node.startedAt()) / 1e9, node.describeStartup());
			node.resetPeaks();
			long committed = cliTransaction(writer.db, 2, bigRows);
			awaitCount(db, 1 + bigRows);
			System.out.printf(Locale.ROOT, "big tx      %,d rows in one sqlite3 CLI transaction on node 1: %,.0f rows/s to the standalone node (from the commit); its %s%n",
					bigRows, bigRows / ((System.nanoTime() - committed) / 1e9), node.describePeaks());
			node.close();
			node = null;
			insert(connection, 2 + bigRows, catchUpRows, 1000, writer.engine::changesCommitted);
			node = StandaloneNode.start(LAUNCHER, jar, javaOptions, properties,
					this.directory.resolve("standalone-2.log"));
			long first = awaitCountAbove(db, 1 + bigRows);
			awaitCount(db, 1 + bigRows + catchUpRows);
			long done = System.nanoTime();
			System.out.printf(Locale.ROOT, "catch-up    %,d changes written while it was stopped: %.2f s from its process start, %,.0f rows/s from its first applied change; its %s%n",
					catchUpRows, (done - node.startedAt()) / 1e9, catchUpRows / ((done - first) / 1e9), node.describePeaks());
			System.out.printf("startup     restart: %s%n", node.describeStartup());
		}
		finally {
			if (node != null) {
				node.close();
			}
			writer.close();
		}
	}

	/** Waits until the table holds more rows than given. @return when it did */
	private static long awaitCountAbove(Path db, long count) throws Exception {
		awaitCount(db, count + 1);
		return System.nanoTime();
	}

	private synchronized Lag report(String pipeline, LagProbe probe, int replicas, int seconds) {
		Lag lag = probe.lag();
		System.out.printf(Locale.ROOT, "lag         %-16s replicas=%d, %s, %d tx/s for %d s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (commit on node 1 to committed on node 2, %d samples, after %d s warm-up)%n",
				pipeline, replicas, this.topology.description, LAG_RATE, seconds, lag.p50(), lag.p99(), lag.max(), lag.samples(),
				LAG_WARM_UP_SECONDS);
		probe.printBreakdown("            ");
		if (this.cpu != null) {
			System.out.printf("            CPU since both started, of threads still running (warm-up included): %s%n",
					this.cpu.describe(12));
		}
		return lag;
	}

	/** Which server each node connects to; with three processes per message on two cores, it sets the lag. */
	private enum Topology {

		ONE_SERVER("nodes on one server"), SERVER_PER_NODE("each node on its own server");

		private final String description;

		Topology(String description) {
			this.description = description;
		}

		String serverOf(int nodeId, List<String> urls) {
			return (this == ONE_SERVER) ? urls.get(0) : urls.get((nodeId - 1) % urls.size());
		}

	}

	/** The engine's own startup: build and start() to replicating, in a warm JVM, with NATS already running. */
	private void printStartTimes() {
		long[] sorted = this.startTimes.stream().mapToLong(Long::longValue).sorted().toArray();
		System.out.printf(Locale.ROOT, "startup     engine build + start() to replicating (%d starts in this JVM, NATS running): first %.0f ms, p50 %.0f ms, max %.0f ms%n",
				sorted.length, this.startTimes.get(0) / 1e6, LagProbe.percentile(sorted, 50), LagProbe.percentile(sorted, 100));
	}

	private void catchUp(int rows) throws Exception {
		List<Node> nodes = startNodes(3, 1, 1, ApplyListener.NONE);
		Node third = nodes.get(2);
		third.close();
		try (Connection writer = SqliteConnections.open(nodes.get(0).db)) {
			insert(writer, 1, rows, 1000, nodes.get(0).engine::changesCommitted);
			awaitCount(nodes.get(1).db, rows);
			long start = System.nanoTime();
			try (MemoryPeak memory = new MemoryPeak()) {
				Node restarted = startNode(3, third.db, 1, 1, ApplyListener.NONE);
				nodes.set(2, restarted);
				awaitCount(restarted.db, rows);
				double rate = rows / ((System.nanoTime() - start) / 1e9);
				System.out.printf(Locale.ROOT, "catch-up    %,d changes written while node 3 was down: %,.0f rows/s (restart to fully applied)%n",
						rows, rate);
				System.out.printf("            memory of this process (3 nodes and the benchmark): %s%n", memory.describe());
			}
		}
		finally {
			nodes.forEach(Node::close);
		}
	}

	private List<Node> startNodes(int count, int shards, int replicas, ApplyListener listener) throws Exception {
		this.run++;
		List<Node> nodes = new ArrayList<>();
		for (int id = 1; id <= count; id++) {
			nodes.add(startNode(id, shards, replicas, listener));
		}
		return nodes;
	}

	private Node startNode(int id, int shards, int replicas, ApplyListener listener) throws Exception {
		return startNode(id, createDatabase(id), shards, replicas, listener);
	}

	private Path createDatabase(int nodeId) throws SQLException, java.io.IOException {
		// A directory per database, as with a node per machine: a node's file watch sees the events of its directory.
		Path db = Files.createDirectories(this.directory.resolve(this.prefix + "-run-" + this.run + "-node-" + nodeId))
			.resolve("node.db");
		try (Connection connection = SqliteConnections.open(db); Statement statement = connection.createStatement()) {
			statement.execute(DDL);
		}
		return db;
	}

	private List<Path> createDatabases(int count) throws SQLException, java.io.IOException {
		List<Path> dbs = new ArrayList<>();
		for (int id = 1; id <= count; id++) {
			dbs.add(createDatabase(id));
		}
		return dbs;
	}

	private Node startNode(int id, Path db, int shards, int replicas, ApplyListener listener) {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		String prefix = "bench-" + this.prefix + "-" + this.run;
		HarmonyLiteConfig config = HarmonyLiteConfig.builder()
			.nodeId(id)
			.dbPath(db)
			.pollingInterval(Duration.ofMillis(50))
			.nats(NatsConfig.external(this.topology.serverOf(id, this.cluster.urls())))
			.replication(new ReplicationConfig(shards, prefix, prefix + "-log", replicas, defaults.maxEntries(), false,
					false, defaults.publishWindow(), defaults.applyBatchSize()))
			.build();
		long start = System.nanoTime();
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(config).applyListener(listener).build();
		engine.start();
		this.startTimes.add(System.nanoTime() - start);
		return new Node(engine, db);
	}

	private static void insert(Connection writer, long firstId, int rows, int perTransaction, Runnable committed)
			throws SQLException {
		writer.setAutoCommit(false);
		try (PreparedStatement insert = writer.prepareStatement("INSERT INTO books VALUES (?, ?, 'Author', 2000)")) {
			for (long id = firstId; id < firstId + rows; id++) {
				insert.setLong(1, id);
				insert.setString(2, "Title " + id);
				insert.executeUpdate();
				if ((id - firstId + 1) % perTransaction == 0) {
					writer.commit();
					committed.run();
				}
			}
			writer.commit();
			committed.run();
		}
		finally {
			writer.setAutoCommit(true);
		}
	}

	private static void awaitCount(Path db, long expected) throws Exception {
		long start = System.nanoTime();
		long deadline = start + Duration.ofMinutes(5).toNanos();
		try (Connection connection = SqliteConnections.open(db);
				PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM books")) {
			while (System.nanoTime() < deadline) {
				try (var rows = count.executeQuery()) {
					rows.next();
					if (rows.getLong(1) >= expected) {
						return;
					}
				}
				// Every 2 ms at first; then at 1% of the time waited so far, up to 20 ms: counting a large table
				// takes CPU from the nodes measured.
				LockSupport.parkNanos(Math.min(Duration.ofMillis(20).toNanos(),
						Math.max(Duration.ofMillis(2).toNanos(), (System.nanoTime() - start) / 100)));
			}
		}
		throw new IllegalStateException(db + " did not reach " + expected + " rows within 5 minutes");
	}

	/** {@code --sync always|interval}: one setting only; both by default. */
	private static List<SyncMode> syncModes(String[] args) {
		int index = Arrays.asList(args).indexOf("--sync");
		if (index < 0 || index + 1 >= args.length) {
			return List.of(SyncMode.values());
		}
		return List.of(SyncMode.valueOf(args[index + 1].toUpperCase(Locale.ROOT)));
	}

	private static int option(String[] args, String name, int defaultValue) {
		int index = Arrays.asList(args).indexOf(name);
		return (index >= 0 && index + 1 < args.length) ? Integer.parseInt(args[index + 1]) : defaultValue;
	}

	private record Node(HarmonyLiteEngine engine, Path db) {

		void close() {
			this.engine.close();
		}

	}

}
