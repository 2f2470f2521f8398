package io.harmonylite.faults;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process faults on a three-node cluster of standalone nodes (embedded nats-servers, streams with three replicas),
 * one after the other on the same cluster, each under writes on every node's file: a node killed with SIGKILL, a
 * node's nats-server killed, a node's nats-server frozen with SIGSTOP, and a rolling restart. After each fault the
 * cluster must converge by itself with every committed write present and no increment lost or applied twice, and
 * the nodes' health must have said the truth while the fault lasted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessFaultIntegrationTests {

	private static final Logger logger = LoggerFactory.getLogger(ProcessFaultIntegrationTests.class);

	private static final Duration CONVERGE = Duration.ofSeconds(90);

	/** Stuck replicas healed: 60 s silence, up to 30 s to notice, a server restart, and one more 2 min later. */
	private static final Duration REPLICAS_HEALED = Duration.ofMinutes(5);

	private static final Duration FAULT = Duration.ofSeconds(60);

	private static final Duration FROZEN_HEALING = Duration.ofSeconds(15);

	/** Writes per second on each node's file. */
	private static final int RATE = 40;

	private FaultCluster cluster;

	@BeforeAll
	void startCluster(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
		this.cluster = FaultCluster.onLoopback(dir, 3, "--harmonylite.replication.replicas=3");
	}

	@AfterAll
	void stopCluster() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	@Order(1)
	void nodeKilledWithItsServerCatchesUpAfterRestart() {
		NodeProcess victim = this.cluster.node(2);
		try (Workload workload = new Workload(this.cluster.databases(), RATE);
				HealthLog survivor = new HealthLog(this.cluster.node(1))) {
			workload.awaitMore(100);
			victim.killGroup();
			// The others keep a quorum (two of three servers); the victim's file keeps taking writes.
			workload.awaitMore(150);
			victim.start();
			FaultCluster.awaitUp(victim, FaultCluster.START_TIMEOUT);
			long up = System.nanoTime();
			workload.awaitMore(100);
			workload.close();
			this.cluster.awaitConverged(workload, CONVERGE);
			logger.info("Converged {} ms after the killed node was up again", millisSince(up));
			// Node 1 may say DEGRADED (a shard stalled for a moment while its consumer moved off node 2's server; on a
			// loaded machine that can be around the convergence), never DOWN, and is UP again once all is settled.
			FaultCluster.awaitUp(this.cluster.node(1), CONVERGE);
			assertThat(survivor.statuses()).as("node 1's health while node 2 was down: %s", survivor.timeline())
				.noneMatch((status) -> status.startsWith("DOWN"));
		}
	}

	@Test
	@Order(2)
	void killedNatsServerIsRestartedByItsNodeAndPendingChangesAreSent() {
		NodeProcess node = this.cluster.node(2);
		try (Workload workload = new Workload(this.cluster.databases(), RATE); HealthLog health = new HealthLog(node)) {
			workload.awaitMore(100);
			long killed = node.signalServer("KILL");
			long killedAt = System.nanoTime();
			await().atMost(FAULT).untilAsserted(() -> assertThat(node.serverPid()).as("a new nats-server of node 2")
				.isPositive()
				.isNotEqualTo(killed));
			FaultCluster.awaitUp(node, FAULT);
			workload.awaitMore(100);
			workload.close();
			this.cluster.awaitConverged(workload, CONVERGE);
			logger.info("Converged {} ms after the nats-server was killed (its writes went on meanwhile); node 2's "
					+ "health: {}", millisSince(killedAt), health.timeline());
			// DOWN while the server is restarted, or DISCONNECTED while its client waits for it: both tell the truth;
			// on a loaded machine the restart can fall between two looks at the health.
			assertThat(health.statuses()).as("node 2's health while its server was down: %s", health.timeline())
				.anyMatch((status) -> status.startsWith("DOWN") || status.endsWith("/DISCONNECTED"));
			FaultCluster.awaitUp(node, FAULT);
		}
	}

	@Test
	@Order(3)
	void frozenNatsServerIsReportedAndTheClusterConvergesSoonAfterItThaws() {
		NodeProcess node = this.cluster.node(3);
		try (Workload workload = new Workload(this.cluster.databases(), RATE); HealthLog health = new HealthLog(node)) {
			workload.awaitMore(100);
			node.signalServer("STOP");
			// About 20 s of writes on every node while node 3's server does not answer.
			workload.awaitMore(20L * RATE * 3);
			assertThat(health.statuses()).as("node 3's health while its server was frozen: %s", health.timeline())
				.anyMatch((status) -> !status.startsWith("UP"));
			node.signalServer("CONT");
			workload.close();
			long thawed = System.nanoTime();
			this.cluster.awaitConverged(workload, CONVERGE);
			Duration healing = Duration.ofNanos(System.nanoTime() - thawed);
			logger.info("Converged {} ms after the frozen server resumed", healing.toMillis());
			// Usually 5 to 8.6 s (the target is 10 s): the thawed server campaigns with a higher Raft term, so
			// nats-server 2.10 elects the JetStream meta leader and the stream's leader again, after a random 4-9 s
			// timeout, before a consumer can be created or a message stored; 10.6 s was seen once.
			assertThat(healing).as("time to converge after the server resumed").isLessThan(FROZEN_HEALING);
			FaultCluster.awaitUp(node, FAULT);
		}
	}

	@Test
	@Order(4)
	void rollingRestartLosesNothing() {
		try (Workload workload = new Workload(this.cluster.databases(), RATE)) {
			for (NodeProcess node : this.cluster.nodes()) {
				workload.awaitMore(60);
				node.stop();
				workload.awaitMore(60);
				node.start();
				FaultCluster.awaitUp(node, FaultCluster.START_TIMEOUT);
				// nats-server 2.10 can leave a restarted server's replica behind; the node restarts its server after
				// 60 s of that, and again 2 min later when the first restart did not help (seen once): wait for both.
				FaultCluster.awaitReplicasCurrent(node, REPLICAS_HEALED);
			}
			long restarted = System.nanoTime();
			workload.awaitMore(60);
			workload.close();
			this.cluster.awaitConverged(workload, CONVERGE);
			logger.info("Converged {} ms after the last node of the rolling restart was up", millisSince(restarted));
		}
	}

	private static long millisSince(long nanos) {
		return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
	}

}
