package io.harmonylite.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak: the fault scenarios of this module one after the other on one three-node cluster, for a bounded number of
 * minutes, with randomized fault kinds, victims, durations and pauses (from a seed that is logged, to run the same
 * soak again). Every round writes on all nodes during the fault, heals, and checks the same as the scenarios: every
 * committed write present, identical checksums, no increment lost or applied twice. At the end it logs the healing
 * time of each round and a summary per fault.
 * <p>
 * Not run by {@code ./mvnw verify} (its name matches neither test pattern); run it with {@code soak.sh}, which sets
 * {@code harmonylite.soak.minutes} and {@code harmonylite.soak.seed}.
 */
class FaultSoak {

	private static final Logger logger = LoggerFactory.getLogger(FaultSoak.class);

	private static final int RATE = 40;

	/** The longest a round may take to converge after healing before the soak fails. */
	private static final Duration CONVERGE = Duration.ofSeconds(120);

	// Kept when the scenario fails: the nodes' logs are there.
	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	Path dir;

	@Test
	void soak() {
		Duration length = Duration.ofMinutes(Long.getLong("harmonylite.soak.minutes", 10));
		long seed = Long.getLong("harmonylite.soak.seed", System.currentTimeMillis());
		Random random = new Random(seed);
		boolean namespaces = FaultNetwork.available();
		logger.info("Soak for {} min, seed {} (-Dharmonylite.soak.seed={} repeats it), partitions with {}",
				length.toMinutes(), seed, seed, namespaces ? "network namespaces" : "SIGSTOP (no namespaces here)");
		List<Round> rounds = new ArrayList<>();
		long deadline = System.nanoTime() + length.toNanos();
		try (FaultCluster cluster = namespaces
				? FaultCluster.inNamespaces(this.dir, 3, "--harmonylite.replication.replicas=3")
				: FaultCluster.onLoopback(this.dir, 3, "--harmonylite.replication.replicas=3")) {
			while (System.nanoTime() < deadline) {
				Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
				if (fault == Fault.PARTITION && !namespaces) {
					fault = Fault.FREEZE_SERVER;
				}
				NodeProcess victim = cluster.node(1 + random.nextInt(3));
				// Writes before the fault, and how long it lasts: 2 to 25 s of writes on every node.
				long before = (2 + random.nextInt(8)) * RATE * 3L;
				long during = (2 + random.nextInt(24)) * RATE * 3L;
				rounds.add(round(cluster, fault, victim, before, during));
			}
		}
		summarize(seed, rounds);
	}

	private Round round(FaultCluster cluster, Fault fault, NodeProcess victim, long before, long during) {
		logger.info("Soak round: {} of node {} after {} writes, lasting {} writes", fault, victim.id(), before,
				during);
		long healed;
		try (Workload workload = new Workload(cluster.databases(), RATE)) {
			workload.awaitMore(before);
			switch (fault) {
				case KILL_NODE -> victim.killGroup();
				case KILL_SERVER -> victim.signalServer("KILL");
				case FREEZE_SERVER -> victim.signalServer("STOP");
				case PARTITION -> cluster.network().partition(victim.id());
				case RESTART_NODE -> victim.stop();
			}
			workload.awaitMore(during);
			switch (fault) {
				case KILL_NODE, RESTART_NODE -> victim.start();
				case FREEZE_SERVER -> victim.signalServer("CONT");
				case PARTITION -> cluster.network().heal(victim.id());
				case KILL_SERVER -> {
					// The node restarts its server by itself.
				}
			}
			healed = System.nanoTime();
			FaultCluster.awaitUp(victim, FaultCluster.START_TIMEOUT);
			workload.close();
			cluster.awaitConverged(workload, CONVERGE);
		}
		Duration healing = Duration.ofNanos(System.nanoTime() - healed);
		logger.info("Soak round {} of node {}: converged {} ms after healing", fault, victim.id(), healing.toMillis());
		return new Round(fault, victim.id(), healing);
	}

	private static void summarize(long seed, List<Round> rounds) {
		Map<Fault, List<Long>> byFault = new TreeMap<>();
		rounds.forEach((round) -> byFault.computeIfAbsent(round.fault(), (f) -> new ArrayList<>())
			.add(round.healing().toMillis()));
		StringBuilder summary = new StringBuilder("Soak of seed " + seed + ": " + rounds.size() + " round(s)");
		byFault.forEach((fault, times) -> {
			List<Long> sorted = times.stream().sorted().toList();
			summary.append(String.format("%n  %-14s %3d round(s), converged after healing in %6d ms median, %6d ms max",
					fault, sorted.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1)));
		});
		logger.info("{}", summary);
		assertThat(rounds).as("soak rounds").isNotEmpty();
	}

	/** The faults of a round. */
	private enum Fault {

		/** SIGKILL of the node's whole process group (JVM and nats-server), then a restart. */
		KILL_NODE,

		/** SIGKILL of the node's nats-server only; the node restarts it. */
		KILL_SERVER,

		/** SIGSTOP of the node's nats-server, then SIGCONT. */
		FREEZE_SERVER,

		/** The node's network link down, then up (network namespaces only). */
		PARTITION,

		/** A graceful stop (SIGTERM) and a start. */
		RESTART_NODE

	}

	private record Round(Fault fault, int node, Duration healing) {
	}

}
