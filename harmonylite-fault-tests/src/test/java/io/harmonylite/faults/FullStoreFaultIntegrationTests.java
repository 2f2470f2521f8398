package io.harmonylite.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A node whose embedded nats-server's store fills up: the server does not die, it disables its JetStream, so the
 * cluster silently keeps one copy fewer. The node must say so in its health (replication itself goes on through the
 * other two servers), restart its server once the disk has room again, and every write must still reach every node.
 */
// Minutes of filling, waiting and healing: run by slow-faults.sh (StuckReplicaHealerTests and StoreRoomTests in CI).
@Tag("slow")
class FullStoreFaultIntegrationTests {

	private static final int RATE = 20;

	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	Path dir;

	private FaultCluster cluster;

	private Path mounted;

	@AfterEach
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
		if (this.mounted != null) {
			Commands.run(List.of("umount", "-l", this.mounted.toString()));
		}
	}

	@Test
	void nodeWhoseServerStoreIsFullReportsItWhileTheOthersGoOnReplicatingAndHealsOnceThereIsRoom() throws Exception {
		// Node 2's server keeps its store on a small file system of its own.
		Path store = this.dir.resolve("node-2.db-nats");
		Commands.run(List.of("mkdir", "-p", store.toString()));
		assumeTrue(Commands.run(List.of("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", store.toString()))
			.exitCode() == 0, "a small file system for the store needs root (mount)");
		this.mounted = store;
		this.cluster = FaultCluster.onLoopback(this.dir, 3, "--harmonylite.replication.replicas=3");
		NodeProcess full = this.cluster.node(2);
		try (Workload workload = new Workload(this.cluster.databases(), RATE)) {
			workload.awaitMore(60);
			Commands.run(List.of("dd", "if=/dev/zero", "of=" + store.resolve("filler"), "bs=1M"));
			await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
				NodeProcess.Health health = full.health();
				assertThat(health.body()).as("node 2's health").contains("REPLICA_STUCK");
				assertThat(health.harmonylite()).isEqualTo("DEGRADED");
			});
			// Once there is room, the node restarts its server, whose replicas catch up.
			Files.delete(store.resolve("filler"));
			await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2))
				.untilAsserted(() -> assertThat(full.health().body()).as("node 2's health").doesNotContain("REPLICA_STUCK"));
			workload.close();
			this.cluster.awaitConverged(workload, Duration.ofSeconds(90));
		}
	}

}
