package io.harmonylite.faults;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One transaction of 200,000 rows and a 5 MB BLOB, written with the sqlite3 CLI on one node while every node's file
 * takes other writes: it reaches every node whole; and one of forty 8 MB BLOBs, larger than the nodes' heaps.
 */
class LargeTransactionFaultIntegrationTests {

	private static final Logger logger = LoggerFactory.getLogger(LargeTransactionFaultIntegrationTests.class);

	private static final int ROWS = 200_000;

	@RegisterExtension
	final FaultClusters clusters = new FaultClusters();

	// 320 MB through three nodes takes minutes: run by slow-faults.sh (EmbeddedLargeChangeIntegrationTests in CI).
	@Tag("slow")
	@Test
	void transactionOfManyLargeValuesReachesEveryNodeThroughNodesWithSmallHeaps() {
		// 40 BLOBs of 8 MB (320 MB) through nodes whose heap is 384 MB: read whole, they ran the publisher out of it.
		FaultCluster cluster = this.clusters.onLoopback(3);
		long started = System.nanoTime();
		Databases.sqlite3(cluster.node(1).dbPath(), "BEGIN;"
				+ "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 40) "
				+ "INSERT INTO blobs (id, data) SELECT x, randomblob(8 * 1024 * 1024) FROM n;"
				+ "COMMIT;");
		for (NodeProcess node : cluster.nodes()) {
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
				.until(() -> Databases.count(node.dbPath(), "blobs") == 40);
		}
		logger.info("40 BLOBs of 8 MB reached every node {} ms after the commit",
				Duration.ofNanos(System.nanoTime() - started).toMillis());
		String blobs = Databases.checksum(cluster.node(1).dbPath(), "blobs");
		for (NodeProcess node : cluster.nodes()) {
			assertThat(Databases.checksum(node.dbPath(), "blobs")).as("blobs on node %d", node.id()).isEqualTo(blobs);
		}
	}

	@Test
	void largeTransactionWithLargeBlobReachesEveryNode() {
		FaultCluster cluster = this.clusters.onLoopback(3, "--harmonylite.replication.replicas=3");
		try (Workload workload = new Workload(cluster.databases(), 20)) {
			long started = System.nanoTime();
			Databases.sqlite3(cluster.node(1).dbPath(), "BEGIN;"
					+ "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < " + ROWS + ") "
					+ "INSERT INTO events (id, origin, seq, payload) SELECT 5000000000 + x, 1, 0, 'bulk row ' || x FROM n;"
					+ "INSERT INTO blobs (id, data) VALUES (1, randomblob(5 * 1024 * 1024));"
					+ "COMMIT;");
			workload.close();
			cluster.awaitConverged(workload, Duration.ofMinutes(3));
			logger.info("{} rows and a 5 MB BLOB reached every node {} ms after the commit", ROWS,
					Duration.ofNanos(System.nanoTime() - started).toMillis());
			String blob = Databases.checksum(cluster.node(1).dbPath(), "blobs");
			for (NodeProcess node : cluster.nodes()) {
				assertThat(Databases.checksum(node.dbPath(), "blobs")).as("blobs on node %d", node.id()).isEqualTo(blob);
				assertThat(Databases.count(node.dbPath(), "events")).as("events on node %d", node.id())
					.isGreaterThanOrEqualTo(ROWS);
			}
		}
	}
}
