package io.harmonylite.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.EmbeddedClusterLayout;
import io.harmonylite.testsupport.FreePorts;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 64 MiB BLOB through a node's embedded nats-server (8 MiB {@code max_payload}, so eight chunks) to a node in its
 * own JVM whose heap is capped, which proves the receiving side needs a few copies of the change at most; the
 * sending node's peak heap is printed.
 */
class EmbeddedLargeChangeIntegrationTests {

	private static final int BLOB_BYTES = 64 * 1024 * 1024;

	/** The receiving node's heap: about four times the change. */
	private static final String RECEIVER_HEAP = "-Xmx288m";

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	@TempDir
	Path dir;

	private HarmonyLiteEngine sender;

	private Process receiver;

	@AfterEach
	void stop() {
		if (this.receiver != null) {
			this.receiver.destroyForcibly();
		}
		if (this.sender != null) {
			this.sender.close();
		}
	}

	@Test
	void blobOf64MiBShouldReplicateThroughAnEmbeddedServerWithBoundedMemory() throws Exception {
		String prefix = "big" + System.nanoTime() % 100_000;
		int port = FreePorts.many(1).get(0);
		TestDatabase first = database(1);
		TestDatabase second = database(2);
		this.sender = HarmonyLiteEngine.builder(HarmonyLiteConfig.builder()
			.nodeId(1)
			.dbPath(first.path())
			.pollingInterval(Duration.ofMillis(20))
			.nats(EmbeddedClusterLayout.nats(new EmbeddedNatsConfig(null, this.dir.resolve("nats-1"), port,
					null, List.of())))
			.replication(new ReplicationConfig(1, prefix, prefix + "-subject", 1, 1000, false, false, 1024, 1000))
			.build()).build();
		this.sender.start();
		this.receiver = startReceiver(second, prefix, "nats://127.0.0.1:" + port);

		System.gc();
		long baseline = heapUsed();
		resetPeaks();
		long start = System.nanoTime();
		first.execute("INSERT INTO files VALUES (1, randomblob(" + BLOB_BYTES + "))");
		try {
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
				.until(() -> second.rows("SELECT length(data) FROM files").equals(List.of("" + BLOB_BYTES)));
		}
		catch (ConditionTimeoutException ex) {
			List<String> log = Files.readAllLines(this.dir.resolve("node-2.log"));
			throw new AssertionError("The receiving node (alive: " + this.receiver.isAlive() + ") did not apply the "
					+ "change; the end of its log:\n" + String.join("\n", log.subList(Math.max(0, log.size() - 40),
							log.size())), ex);
		}
		long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
		long peak = heapPeak();
		System.out.printf("64 MiB BLOB replicated in %d ms; sending node (test JVM, also applying its own change): "
				+ "heap %d MiB before, peak %d MiB (sum of pool peaks, garbage included); receiving node ran with %s%n",
				took, baseline >> 20, peak >> 20, RECEIVER_HEAP);

		assertThat(sha256(second.path())).isEqualTo(sha256(first.path()));
		assertThat(this.receiver.isAlive()).isTrue();
		assertThat(this.sender.status().failedChanges()).isZero();
	}

	private Process startReceiver(TestDatabase db, String prefix, String url) throws Exception {
		Path log = this.dir.resolve("node-2.log");
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				RECEIVER_HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
				NodeMain.class.getName(), "2", db.path().toString(), prefix, url, "")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		await().atMost(TIMEOUT).until(() -> Files.readString(log).contains("NODE STARTED"));
		return process;
	}

	private TestDatabase database(int node) {
		TestDatabase db = new TestDatabase(this.dir.resolve("node-" + node + ".db"));
		db.execute("CREATE TABLE files (id INTEGER PRIMARY KEY, data BLOB)");
		return db;
	}

	private static String sha256(Path database) throws Exception {
		try (Connection connection = SqliteConnections.open(database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT data FROM files WHERE id = 1")) {
			assertThat(rows.next()).isTrue();
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rows.getBytes(1)));
		}
	}

	private static List<MemoryPoolMXBean> heapPools() {
		return ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.toList();
	}

	private static long heapUsed() {
		return heapPools().stream().mapToLong((pool) -> pool.getUsage().getUsed()).sum();
	}

	private static void resetPeaks() {
		heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
	}

	private static long heapPeak() {
		return heapPools().stream().mapToLong((pool) -> pool.getPeakUsage().getUsed()).sum();
	}

}
