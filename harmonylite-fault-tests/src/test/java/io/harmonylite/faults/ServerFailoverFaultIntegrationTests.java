package io.harmonylite.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An asymmetric partition with external NATS servers: node 1's server is cut off from the other two servers while
 * node 1 still reaches all three. Its connection stays up, so the client never leaves that server by itself; the node
 * must move to a server of the majority and go on replicating during the partition, and the cluster must converge
 * once it heals.
 */
class ServerFailoverFaultIntegrationTests {

	private static final int RATE = 20;

	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	Path dir;

	private FaultNetwork network;

	private NamespaceNatsServers servers;

	private FaultCluster cluster;

	@AfterEach
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
		if (this.servers != null) {
			this.servers.close();
		}
		if (this.network != null) {
			this.network.close();
		}
	}

	@Test
	void nodeWhoseServerIsCutOffFromItsClusterMovesToAServerOfTheMajorityAndKeepsReplicating() throws Exception {
		assumeTrue(FaultNetwork.available(), "an asymmetric partition needs network namespaces (root)");
		this.network = FaultNetwork.create(3);
		this.servers = NamespaceNatsServers.start(this.network, 3, this.dir);
		// Each node is given its own server only; the others it learns from the cluster, as NATS clients do.
		this.cluster = FaultCluster.onServers(this.dir,
				List.of(this.servers.url(1), this.servers.url(2), this.servers.url(3)),
				"--harmonylite.replication.replicas=3");
		NodeProcess cutOff = this.cluster.node(1);
		NodeProcess other = this.cluster.node(2);
		try (Workload workload = new Workload(this.cluster.databases(), RATE)) {
			workload.awaitMore(60);
			this.network.isolateFromOtherNodes(1);
			long writtenBeforeTheCut = Databases.lastSequence(cutOff.dbPath(), 1);
			await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(Databases.lastSequence(other.dbPath(), 1))
					.as("node 1's writes after its server was cut off, on node 2 during the partition; node 1's log:%n%s",
							cutOff.logTail())
					.isGreaterThan(writtenBeforeTheCut));
			assertThat(Files.readString(cutOff.dbPath().resolveSibling("node-1.log")))
				.contains("reconnecting to another of the servers");
			this.network.rejoinOtherNodes(1);
			workload.close();
			this.cluster.awaitConverged(workload, Duration.ofSeconds(120));
		}
	}

}
