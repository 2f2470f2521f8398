package io.harmonylite.faults;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real network partition: each node runs in its own Linux network namespace, and one is cut off (its veth link
 * down: every packet to and from it dropped) for about 20 s of writes on every node's file. The cut-off node must say
 * it cannot reach a quorum while it lasts, and the cluster must converge soon after the link comes back. Where
 * namespaces cannot be created (not root), the partition is approximated by freezing the node's nats-server
 * (SIGSTOP), and the test says so in its log.
 */
class PartitionFaultIntegrationTests {

	private static final Logger logger = LoggerFactory.getLogger(PartitionFaultIntegrationTests.class);

	private static final int RATE = 40;

	// Kept when the scenario fails: the nodes' logs are there.
	/**
	 * The routes' reconnect (about 1 s), nats-server's re-election of the meta and stream leaders the rejoining server
	 * disrupts (a random 4-9 s election timeout each, in parallel), this node's own share, and room for a loaded
	 * machine (15.5 s once at load average 34).
	 */
	private static final Duration PARTITION_HEALING = Duration.ofSeconds(20);

	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	Path dir;

	private FaultCluster cluster;

	@AfterEach
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void partitionedNodeReportsItAndTheClusterConvergesSoonAfterItHeals() {
		boolean namespaces = FaultNetwork.available();
		this.cluster = namespaces ? FaultCluster.inNamespaces(this.dir, 3, "--harmonylite.replication.replicas=3")
				: FaultCluster.onLoopback(this.dir, 3, "--harmonylite.replication.replicas=3");
		NodeProcess isolated = this.cluster.node(3);
		try (Workload workload = new Workload(this.cluster.databases(), RATE);
				HealthLog health = new HealthLog(isolated)) {
			workload.awaitMore(100);
			cut(namespaces, isolated);
			workload.awaitMore(20L * RATE * 3);
			// Usually said within seconds; when the cut-off server led a stream, only once its leadership lapsed.
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(health.statuses()).as("the partitioned node's health: %s", health.timeline())
					.anyMatch((status) -> status.startsWith("DEGRADED") || status.startsWith("DOWN")));
			heal(namespaces, isolated);
			long healed = System.nanoTime();
			workload.close();
			this.cluster.awaitConverged(workload, Duration.ofSeconds(90));
			Duration healing = Duration.ofNanos(System.nanoTime() - healed);
			logger.info("Converged {} ms after the partition healed ({}); node {}'s health: {}", healing.toMillis(),
					namespaces ? "network namespaces" : "SIGSTOP fallback", isolated.id(), health.timeline());
			// As after a freeze (ProcessFaultIntegrationTests), but a cut-off server campaigned with ever higher Raft
			// terms for longer; when it rejoins, the JetStream meta leader and the stream's leader step down and the
			// next ones are elected after a random 4-9 s timeout, before which nothing is published or consumed.
			assertThat(healing).as("time to converge after the partition healed").isLessThan(PARTITION_HEALING);
			FaultCluster.awaitUp(isolated, Duration.ofSeconds(60));
		}
	}

	private void cut(boolean namespaces, NodeProcess node) {
		if (namespaces) {
			this.cluster.network().partition(node.id());
		}
		else {
			logger.warn("No network namespaces here: approximating the partition of node {} with SIGSTOP of its "
					+ "nats-server", node.id());
			node.signalServer("STOP");
		}
	}

	private void heal(boolean namespaces, NodeProcess node) {
		if (namespaces) {
			this.cluster.network().heal(node.id());
		}
		else {
			node.signalServer("CONT");
		}
	}

}
