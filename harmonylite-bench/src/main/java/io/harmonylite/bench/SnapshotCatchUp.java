package io.harmonylite.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.snapshot.SnapshotConfig;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotStoreType;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * Measures a new node joining a live cluster through the engine: node 1 holds the database and takes a snapshot, then
 * changes keep coming (written after the snapshot, so only in the stream); node 2 starts with an empty table, restores
 * the snapshot at startup and replays the stream until it has applied its last message.
 */
final class SnapshotCatchUp {

	private static final Duration DEADLINE = Duration.ofMinutes(5);

	private final String natsUrl;

	private final Path directory;

	private final boolean natsStore;

	/**
	 * Creates the measurement.
	 * @param natsUrl the nats-server
	 * @param directory where the nodes' files go
	 * @param natsStore whether snapshots go to a NATS object store (else a directory)
	 */
	SnapshotCatchUp(String natsUrl, Path directory, boolean natsStore) {
		this.natsUrl = natsUrl;
		this.directory = directory;
		this.natsStore = natsStore;
	}

	/**
	 * Runs it and prints the figures.
	 * @param rows the rows of node 1's table
	 * @param changes the changes written after the snapshot
	 * @param target the target for restore plus catch-up, in seconds
	 */
	void run(int rows, int changes, double target) throws Exception {
		Path first = this.directory.resolve("node-1.db");
		try (Connection connection = SqliteConnections.open(first); Statement statement = connection.createStatement()) {
			SnapshotBenchmark.createBooks(statement, rows);
		}
		Path second = this.directory.resolve("node-2.db");
		try (Connection connection = SqliteConnections.open(second); Statement statement = connection.createStatement()) {
			SnapshotBenchmark.createBooks(statement, 0);
		}
		try (HarmonyLiteEngine origin = engine(1, first)) {
			origin.start();
			SnapshotMetadata snapshot = origin.snapshots().take();
			long written = System.nanoTime();
			update(first, changes);
			await(() -> origin.status().pendingChanges() == 0, "node 1 to publish its changes");
			double write = seconds(written);
			try (HarmonyLiteEngine joining = engine(2, second)) {
				long started = System.nanoTime();
				joining.start();
				double restored = seconds(started);
				await(() -> caughtUp(joining.status()), "node 2 to apply the stream's last message");
				double total = seconds(started);
				if (!sameContent(first, second)) {
					throw new IllegalStateException("Node 2 does not hold node 1's rows after catching up");
				}
				EngineStatus.Restore restore = joining.status().snapshots().lastRestore();
				System.out.printf(Locale.ROOT, "  join    %6.2f s  restore + catch-up to live of a new node (target <= %.0f s)%s%n",
						total, target, (total <= target) ? "" : "  OVER TARGET");
				System.out.printf(Locale.ROOT,
						"          restore %.2f s (start() with the restore, %.2f s in the restorer), then %,d changes "
								+ "written after the snapshot (%.1f s to write and publish) replayed in %.2f s%n",
						restored, (restore != null) ? restore.took().toMillis() / 1000.0 : Double.NaN, changes, write,
						total - restored);
				System.out.printf(Locale.ROOT, "          snapshot %s: %,d books, %.1f MB (%.1f MB zstd)%n", snapshot.id(),
						snapshot.rowCounts().getOrDefault("books", 0L), snapshot.databaseSize() / 1e6, snapshot.size() / 1e6);
			}
		}
	}

	private HarmonyLiteEngine engine(long nodeId, Path db) {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		String prefix = "bench-" + this.directory.getFileName().toString().replaceAll("[^A-Za-z0-9_-]", "");
		SnapshotConfig.Builder snapshots = SnapshotConfig.builder()
			.interval(Duration.ZERO)
			.afterChanges(Long.MAX_VALUE)
			.bucket(prefix + "-snapshots")
			.workDirectory(this.directory.resolve("work-" + nodeId));
		if (!this.natsStore) {
			snapshots.store(SnapshotStoreType.DIRECTORY).directory(this.directory.resolve("store"));
		}
		HarmonyLiteConfig config = HarmonyLiteConfig.builder()
			.nodeId(nodeId)
			.dbPath(db)
			.nats(NatsConfig.external(this.natsUrl))
			.replication(new ReplicationConfig(1, prefix, prefix + "-subject", 1, defaults.maxEntries(), false, false,
					defaults.publishWindow(), defaults.applyBatchSize()))
			.snapshot(snapshots.build())
			.build();
		return HarmonyLiteEngine.builder(config).build();
	}

	private static void update(Path db, int changes) throws SQLException {
		try (Connection connection = SqliteConnections.open(db);
				PreparedStatement update = connection.prepareStatement("UPDATE books SET year = year + 1 WHERE id = ?")) {
			connection.setAutoCommit(false);
			for (int i = 1; i <= changes; i++) {
				update.setLong(1, i);
				update.executeUpdate();
				if (i % 100 == 0) {
					connection.commit();
				}
			}
			connection.commit();
		}
	}

	private static boolean caughtUp(EngineStatus status) {
		return status.snapshots() != null && status.snapshots().restoring() == null && !status.shards().isEmpty()
				&& status.shards().stream().allMatch((shard) -> shard.lag() == 0 && shard.streamLastSequence() > 0);
	}

	private static boolean sameContent(Path first, Path second) throws SQLException {
		return summary(first).equals(summary(second));
	}

	private static String summary(Path db) throws SQLException {
		try (Connection connection = SqliteConnections.open(db); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*), sum(year), sum(length(title)) FROM books")) {
			result.next();
			return result.getLong(1) + "/" + result.getLong(2) + "/" + result.getLong(3);
		}
	}

	private static void await(Condition condition, String what) throws Exception {
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		while (!condition.met()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + DEADLINE.toSeconds() + " s waiting for " + what);
			}
			Thread.sleep(20);
		}
	}

	private static double seconds(long startedNanos) {
		return (System.nanoTime() - startedNanos) / 1e9;
	}

	@FunctionalInterface
	private interface Condition {

		boolean met() throws Exception;

	}

}
