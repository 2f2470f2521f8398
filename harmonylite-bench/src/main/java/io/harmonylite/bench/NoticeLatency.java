package io.harmonylite.bench;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.harmonylite.capture.ChangeNotifier;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * How long a {@link ChangeNotifier} takes to notice a commit of another process: the {@code sqlite3} CLI inserts single
 * rows, a connection of this process polls {@code PRAGMA data_version} in a tight loop to tell when each commit became
 * visible, and the notifier's listener (its poll off, so only its file watch counts) notes when a call of it first
 * finds the commit, as the publisher would. The figure is the time from visible to found.
 */
final class NoticeLatency {

	private NoticeLatency() {
	}

	/**
	 * Measures and prints.
	 * @param database a database in WAL mode with a {@code books} table, written by nobody else meanwhile
	 * @param commits how many single-row commits
	 * @param firstId the id of the first row inserted
	 */
	static void measure(Path database, int commits, long firstId) throws Exception {
		List<Long> latencies = new ArrayList<>();
		Process cli = new ProcessBuilder("sqlite3", database.toString()).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		AtomicLong seenAt = new AtomicLong();
		try (Connection poll = SqliteConnections.open(database);
				Connection listening = SqliteConnections.open(database);
				ChangeNotifier notifier = new ChangeNotifier(database, Duration.ofHours(1),
						seeingListener(listening, seenAt));
				Writer input = new OutputStreamWriter(cli.getOutputStream(), StandardCharsets.UTF_8)) {
			notifier.start();
			input.write(".timeout 30000\n");
			input.flush();
			for (int i = 0; i < commits; i++) {
				LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
				long before = dataVersion(poll);
				seenAt.set(0);
				input.write("INSERT INTO books VALUES (" + (firstId + i) + ", 'Title', 'Author', 2000);\n");
				input.flush();
				long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
				while (dataVersion(poll) == before && System.nanoTime() < deadline) {
					Thread.onSpinWait();
				}
				long visible = System.nanoTime();
				while (seenAt.get() == 0 && System.nanoTime() < deadline) {
					LockSupport.parkNanos(20_000);
				}
				if (seenAt.get() != 0) {
					latencies.add(Math.max(0, seenAt.get() - visible));
				}
			}
		}
		finally {
			cli.destroy();
		}
		long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		System.out.printf(Locale.ROOT, "notice      file watch of another process's commit (sqlite3 CLI, %d single-row commits): "
				+ "commit visible to the notifier's listener called p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", sorted.length,
				LagProbe.percentile(sorted, 50), LagProbe.percentile(sorted, 99), LagProbe.percentile(sorted, 100));
	}

	/** A listener that notes when a call of it first finds a new commit, as the publisher would. */
	private static Runnable seeingListener(Connection connection, AtomicLong seenAt) throws SQLException {
		long[] last = { dataVersion(connection) };
		return () -> {
			try {
				long version = dataVersion(connection);
				if (version != last[0]) {
					last[0] = version;
					seenAt.compareAndSet(0, System.nanoTime());
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		};
	}

	private static long dataVersion(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA data_version")) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
