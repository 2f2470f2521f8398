package io.harmonylite.faults;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A two-node cluster with streams on both servers (replicas 2, no quorum while one is down) restarted one node at a
 * time under writes: each restarted node starts although its peer's JetStream is not ready at first, the node left
 * alone says it cannot publish, and both converge afterwards.
 */
class TwoNodeFaultIntegrationTests {

	@RegisterExtension
	final FaultClusters clusters = new FaultClusters();

	@Test
	void rollingRestartOfTwoNodesConverges() {
		FaultCluster cluster = this.clusters.onLoopback(2, "--harmonylite.replication.replicas=2");
		try (Workload workload = new Workload(cluster.databases(), 40)) {
			for (NodeProcess node : cluster.nodes()) {
				NodeProcess other = cluster.node(3 - node.id());
				try (HealthLog alone = new HealthLog(other)) {
					workload.awaitMore(60);
					node.stop();
					// The lone server keeps leading for up to about 10 s after it lost its quorum; the node then notices
					// within 5 s that its streams have no leader. Writes go on meanwhile.
					await().atMost(Duration.ofSeconds(60))
						.untilAsserted(() -> assertThat(alone.statuses())
							.as("health of node %d while node %d was down", other.id(), node.id())
							.anyMatch((status) -> !status.startsWith("UP")));
					workload.awaitMore(60);
					node.start();
					FaultCluster.awaitUp(node, FaultCluster.START_TIMEOUT);
				}
			}
			long restarted = System.nanoTime();
			workload.awaitMore(60);
			workload.close();
			cluster.awaitConverged(workload, Duration.ofSeconds(90));
			LoggerFactory.getLogger(TwoNodeFaultIntegrationTests.class)
				.info("Converged {} ms after the last node of the rolling restart was up",
						Duration.ofNanos(System.nanoTime() - restarted).toMillis());
		}
	}

}
