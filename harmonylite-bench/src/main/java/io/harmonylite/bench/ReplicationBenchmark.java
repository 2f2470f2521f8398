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
import io.harmonylite.event.ChangeEvent;
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
 * were written. Each node connects to a server of its own, as with a nats-server beside every node.
 * <p>
 * Options: {@code --rows N} (rows per throughput run, default 50000), {@code --catch-up N} (default 100000),
 * {@code --lag-seconds N} (default 10).
 *
 * @since 0.1.0
 */
public final class ReplicationBenchmark {

	private static final String DDL = "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)";

	private static final int LAG_RATE = 500;

	private static final int LAG_WARM_UP_SECONDS = 3;

	private static final int[] REPLICAS = { 1, 3 };

	private static final int[] SHARDS = { 1, 4 };

	private final NatsTestCluster cluster;

	private final Path directory;

	private final String prefix;

	private int run;

	private Topology topology = Topology.SERVER_PER_NODE;

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
			for (SyncMode sync : SyncMode.values()) {
				System.out.printf("%n%s:%n", sync.description);
				try (NatsTestCluster cluster = NatsTestCluster.start(3, sync.jetStreamConfig)) {
					ReplicationBenchmark bench = new ReplicationBenchmark(cluster, directory, sync.name().toLowerCase(Locale.ROOT));
					figures.put(sync, bench.measure(rows, lagSeconds));
					if (sync == SyncMode.ALWAYS) {
						bench.lag(lagSeconds, Topology.ONE_SERVER, 1);
						bench.catchUp(catchUpRows);
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

	/** Throughput for every shards and replicas, and lag for every replicas; lag first, so that no earlier run's writes are still being flushed to disk. */
	private Figures measure(int rows, int lagSeconds) throws Exception {
		throughput(1, 1, Math.min(rows, 5_000)); // warm-up
		Map<Integer, Lag> lags = new java.util.TreeMap<>();
		for (int replicas : REPLICAS) {
			lags.put(replicas, lag(lagSeconds, Topology.SERVER_PER_NODE, replicas));
		}
		Map<String, Double> rates = new java.util.LinkedHashMap<>();
		for (int replicas : REPLICAS) {
			for (int shards : SHARDS) {
				double rate = throughput(shards, replicas, rows);
				rates.put(shards + "/" + replicas, rate);
				System.out.printf(Locale.ROOT, "throughput  shards=%d replicas=%d: %,9.0f rows/s end-to-end (%,d rows in 100-row transactions, until applied on nodes 2 and 3)%n",
						shards, replicas, rate, rows);
			}
		}
		return new Figures(rates, lags);
	}

	private static void printSideBySide(Map<SyncMode, Figures> figures, int rows) {
		Figures always = figures.get(SyncMode.ALWAYS);
		Figures interval = figures.get(SyncMode.INTERVAL);
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

	private record Figures(Map<String, Double> rates, Map<Integer, Lag> lags) {
	}

	private record Lag(double p50, double p99, double max) {

		String p50p99() {
			return String.format(Locale.ROOT, "%.2f / %.2f", this.p50, this.p99);
		}

	}

	private double throughput(int shards, int replicas, int rows) throws Exception {
		List<Node> nodes = startNodes(3, shards, replicas, ApplyListener.NONE);
		try (Connection writer = SqliteConnections.open(nodes.get(0).db)) {
			long start = System.nanoTime();
			insert(writer, 1, rows, 100, nodes.get(0).engine);
			awaitCount(nodes.get(1).db, rows);
			awaitCount(nodes.get(2).db, rows);
			return rows / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			nodes.forEach(Node::close);
		}
	}

	private Lag lag(int seconds, Topology topology, int replicas) throws Exception {
		this.topology = topology;
		try {
			return lag(seconds, replicas);
		}
		finally {
			this.topology = Topology.SERVER_PER_NODE;
		}
	}

	private Lag lag(int seconds, int replicas) throws Exception {
		int warmUp = LAG_WARM_UP_SECONDS * LAG_RATE;
		int total = warmUp + seconds * LAG_RATE;
		ConcurrentHashMap<Long, Long> committed = new ConcurrentHashMap<>();
		List<Long> lags = java.util.Collections.synchronizedList(new ArrayList<>());
		ApplyListener onNode2 = new ApplyListener() {
			@Override
			public void applied(ChangeEvent event, Duration lag) {
				long id = (Long) event.row().get("id");
				Long start = committed.remove(id);
				if (start != null && id > warmUp && event.originNodeId() == 1) {
					lags.add(System.nanoTime() - start);
				}
			}
		};
		List<Node> nodes = new ArrayList<>(startNodes(1, 1, replicas, ApplyListener.NONE));
		nodes.add(startNode(2, 1, replicas, onNode2));
		nodes.add(startNode(3, 1, replicas, ApplyListener.NONE));
		List<Long> commits = new ArrayList<>();
		try (Connection writer = SqliteConnections.open(nodes.get(0).db);
				PreparedStatement insert = writer.prepareStatement("INSERT INTO books VALUES (?, 'Title', 'Author', 2000)")) {
			long interval = 1_000_000_000L / LAG_RATE;
			long next = System.nanoTime();
			for (long id = 1; id <= total; id++) {
				LockSupport.parkNanos(next - System.nanoTime());
				insert.setLong(1, id);
				long start = System.nanoTime();
				committed.put(id, start);
				insert.executeUpdate();
				nodes.get(0).engine.changesCommitted();
				if (id == warmUp) {
					awaitCount(nodes.get(1).db, warmUp);
					next = System.nanoTime();
				}
				else if (id > warmUp) {
					commits.add(System.nanoTime() - start);
				}
				next += interval;
			}
			awaitCount(nodes.get(1).db, total);
		}
		finally {
			nodes.forEach(Node::close);
		}
		long[] sorted = sorted(lags);
		System.out.printf(Locale.ROOT, "lag         replicas=%d, %s, %d tx/s for %d s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (commit on node 1 to committed on node 2, %d samples, after %d s warm-up)%n",
				replicas, this.topology.description, LAG_RATE, seconds, percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100), sorted.length,
				LAG_WARM_UP_SECONDS);
		long[] commitTimes = sorted(commits);
		System.out.printf(Locale.ROOT, "            of which the single-row commit on node 1 itself: p50 %.2f ms, p99 %.2f ms%n",
				percentile(commitTimes, 50), percentile(commitTimes, 99));
		return new Lag(percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100));
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

	private static long[] sorted(List<Long> nanos) {
		synchronized (nanos) {
			return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
		}
	}

	private void catchUp(int rows) throws Exception {
		List<Node> nodes = startNodes(3, 1, 1, ApplyListener.NONE);
		Node third = nodes.get(2);
		third.close();
		try (Connection writer = SqliteConnections.open(nodes.get(0).db)) {
			insert(writer, 1, rows, 1000, nodes.get(0).engine);
			awaitCount(nodes.get(1).db, rows);
			long start = System.nanoTime();
			Node restarted = startNode(3, third.db, 1, 1, ApplyListener.NONE);
			nodes.set(2, restarted);
			awaitCount(restarted.db, rows);
			double rate = rows / ((System.nanoTime() - start) / 1e9);
			System.out.printf(Locale.ROOT, "catch-up    %,d changes written while node 3 was down: %,.0f rows/s (restart to fully applied)%n",
					rows, rate);
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
		Path db = this.directory.resolve(this.prefix + "-run-" + this.run + "-node-" + id + ".db");
		try (Connection connection = SqliteConnections.open(db); Statement statement = connection.createStatement()) {
			statement.execute(DDL);
		}
		return startNode(id, db, shards, replicas, listener);
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
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(config).applyListener(listener).build();
		engine.start();
		return new Node(engine, db);
	}

	private static void insert(Connection writer, long firstId, int rows, int perTransaction, HarmonyLiteEngine engine)
			throws SQLException {
		writer.setAutoCommit(false);
		try (PreparedStatement insert = writer.prepareStatement("INSERT INTO books VALUES (?, ?, 'Author', 2000)")) {
			for (long id = firstId; id < firstId + rows; id++) {
				insert.setLong(1, id);
				insert.setString(2, "Title " + id);
				insert.executeUpdate();
				if ((id - firstId + 1) % perTransaction == 0) {
					writer.commit();
					engine.changesCommitted();
				}
			}
			writer.commit();
			engine.changesCommitted();
		}
		finally {
			writer.setAutoCommit(true);
		}
	}

	private static void awaitCount(Path db, long expected) throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		try (Connection connection = SqliteConnections.open(db);
				PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM books")) {
			while (System.nanoTime() < deadline) {
				try (var rows = count.executeQuery()) {
					rows.next();
					if (rows.getLong(1) >= expected) {
						return;
					}
				}
				LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
			}
		}
		throw new IllegalStateException(db + " did not reach " + expected + " rows within 5 minutes");
	}

	private static double percentile(long[] sorted, double percentile) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
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
