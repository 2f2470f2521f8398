package io.harmonylite.faults;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A two-node cluster with streams on both servers (replicas 2, no quorum while one is down) restarted one node at a
 * time under writes: each restarted node starts although its peer's JetStream is not ready at first, the node left
 * alone says it cannot publish, and both converge afterwards.
 */
class TwoNodeFaultIntegrationTests {

	// Kept when the scenario fails: the nodes' logs are there.
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
	void rollingRestartOfTwoNodesConverges() {
		this.cluster = FaultCluster.onLoopback(this.dir, 2, "--harmonylite.replication.replicas=2");
		try (Workload workload = new Workload(this.cluster.databases(), 40)) {
			for (NodeProcess node : this.cluster.nodes()) {
				NodeProcess other = this.cluster.node(3 - node.id());
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
			this.cluster.awaitConverged(workload, Duration.ofSeconds(90));
			LoggerFactory.getLogger(TwoNodeFaultIntegrationTests.class)
				.info("Converged {} ms after the last node of the rolling restart was up",
						Duration.ofNanos(System.nanoTime() - restarted).toMillis());
		}
	}

}
