package io.harmonylite.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.harmonylite.testsupport.FreePorts;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several standalone nodes, each with its embedded nats-server, clustered with routes: on loopback with free ports,
 * or each node in its own network namespace (see {@link FaultNetwork}) when the test needs real partitions. Every
 * node's file starts with the {@link Workload#SCHEMA} tables, created with the sqlite3 CLI.
 */
final class FaultCluster implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FaultCluster.class);

	/** How long a node may take to start, on a loaded 2-core machine. */
	static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private final List<NodeProcess> nodes;

	private final FaultNetwork network;

	private FaultCluster(List<NodeProcess> nodes, FaultNetwork network) {
		this.nodes = List.copyOf(nodes);
		this.network = network;
	}

	/**
	 * Starts a cluster on loopback and waits until every node is UP.
	 * @param dir where the files go
	 * @param size the number of nodes
	 * @param extraArguments launcher arguments for every node, e.g. {@code --harmonylite.replication.shards=2}
	 * @return the running cluster
	 */
	static FaultCluster onLoopback(Path dir, int size, String... extraArguments) {
		List<Integer> ports = FreePorts.many(3 * size);
		List<NodeProcess.Spec> specs = new ArrayList<>();
		for (int node = 1; node <= size; node++) {
			List<String> peers = new ArrayList<>();
			for (int other = 1; other <= size; other++) {
				if (other != node) {
					peers.add("nats://127.0.0.1:" + ports.get(2 * size + other - 1));
				}
			}
			specs.add(NodeProcess.Spec.embedded(node, dir.resolve("node-" + node + ".db"), ports.get(node - 1),
					ports.get(size + node - 1), "127.0.0.1:" + ports.get(2 * size + node - 1), peers, null,
					List.of(extraArguments)));
		}
		return start(specs, null);
	}

	/**
	 * Starts a cluster with each node in its own network namespace and waits until every node is UP.
	 * @param dir where the files go
	 * @param size the number of nodes
	 * @param extraArguments launcher arguments for every node
	 * @return the running cluster
	 */
	static FaultCluster inNamespaces(Path dir, int size, String... extraArguments) {
		FaultNetwork network = FaultNetwork.create(size);
		List<NodeProcess.Spec> specs = new ArrayList<>();
		for (int node = 1; node <= size; node++) {
			List<String> peers = new ArrayList<>();
			for (int other = 1; other <= size; other++) {
				if (other != node) {
					peers.add("nats://" + network.address(other) + ":6222");
				}
			}
			// Each namespace has its own ports: the same numbers on every node.
			specs.add(NodeProcess.Spec.embedded(node, dir.resolve("node-" + node + ".db"), 8080, 4222,
					network.address(node) + ":6222", peers, network.namespace(node), List.of(extraArguments)));
		}
		return start(specs, network);
	}

	/**
	 * Starts a cluster whose nodes, in the root namespace, connect to external NATS servers, and waits until every
	 * node is UP.
	 * @param dir where the files go
	 * @param natsUrls each node's server URLs, comma-separated, node 1's first
	 * @param extraArguments launcher arguments for every node
	 * @return the running cluster
	 */
	static FaultCluster onServers(Path dir, List<String> natsUrls, String... extraArguments) {
		List<Integer> ports = FreePorts.many(natsUrls.size());
		List<NodeProcess.Spec> specs = new ArrayList<>();
		for (int node = 1; node <= natsUrls.size(); node++) {
			specs.add(NodeProcess.Spec.external(node, dir.resolve("node-" + node + ".db"), ports.get(node - 1),
					natsUrls.get(node - 1), List.of(extraArguments)));
		}
		return start(specs, null);
	}

	private static FaultCluster start(List<NodeProcess.Spec> specs, FaultNetwork network) {
		List<NodeProcess> nodes = new ArrayList<>();
		FaultCluster cluster = new FaultCluster(nodes, network);
		try {
			for (NodeProcess.Spec spec : specs) {
				Databases.sqlite3(spec.dbPath(), Workload.SCHEMA + Workload.counterRows(specs.size()));
				NodeProcess node = new NodeProcess(spec);
				nodes.add(node);
				node.start();
			}
			FaultCluster started = new FaultCluster(nodes, network);
			started.awaitAllUp(START_TIMEOUT);
			return started;
		}
		catch (RuntimeException | AssertionError ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * A node.
	 * @param id the node id, from 1
	 * @return the node
	 */
	NodeProcess node(int id) {
		return this.nodes.get(id - 1);
	}

	/**
	 * Every node.
	 * @return the nodes, node 1 first
	 */
	List<NodeProcess> nodes() {
		return this.nodes;
	}

	/**
	 * The network, when the nodes run in namespaces.
	 * @return the network, or {@code null} on loopback
	 */
	FaultNetwork network() {
		return this.network;
	}

	/**
	 * The nodes' database files.
	 * @return the files, node 1 first
	 */
	List<Path> databases() {
		return this.nodes.stream().map(NodeProcess::dbPath).toList();
	}

	/**
	 * Waits until every node's HarmonyLite health is UP.
	 * @param timeout the deadline
	 */
	void awaitAllUp(Duration timeout) {
		for (NodeProcess node : this.nodes) {
			awaitUp(node, timeout);
		}
	}

	/**
	 * Waits until every replicated stream has a leader and every replica is current, as seen from a node's server:
	 * only then may the next server of a rolling restart stop, or the streams lose their quorum (a replica that is
	 * still catching up does not count towards it). docs/operations.md asks operators to do the same.
	 * @param through the node whose server is asked
	 * @param timeout the deadline
	 */
	static void awaitReplicasCurrent(NodeProcess through, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
			try (Connection nats = Nats.connect(through.natsUrl())) {
				JetStreamManagement jsm = nats.jetStreamManagement();
				for (String stream : jsm.getStreamNames()) {
					ClusterInfo cluster = jsm.getStreamInfo(stream).getClusterInfo();
					assertThat(cluster).as("cluster info of %s", stream).isNotNull();
					assertThat(cluster.getLeader()).as("leader of %s", stream).isNotNull();
					List<Replica> replicas = (cluster.getReplicas() != null) ? cluster.getReplicas() : List.of();
					assertThat(replicas).as("replicas of %s", stream)
						.allSatisfy((replica) -> assertThat(replica.isCurrent() && !replica.isOffline())
							.as("%s on %s current", stream, replica.getName())
							.isTrue());
				}
			}
		});
	}

	/**
	 * Waits until a node's HarmonyLite health is UP.
	 * @param node the node
	 * @param timeout the deadline
	 */
	static void awaitUp(NodeProcess node, Duration timeout) {
		await().atMost(timeout)
			.pollInterval(Duration.ofMillis(500))
			.failFast("node " + node.id() + " exited",
					() -> assertThat(node.isAlive()).as("node %d is running; its log:%n%s", node.id(), node.logTail())
						.isTrue())
			.untilAsserted(() -> {
			assertThat(node.health()).as("health of node %d", node.id()).matches(NodeProcess.Health::isUp,
					"is UP");
		});
	}

	/**
	 * Waits until the cluster has quiesced into one state, and checks it against what the writers saw: identical
	 * tables on every node, every committed event present, and each counter equal to its origin's committed
	 * increments (an increment applied twice, or lost, shows here).
	 * @param workload the stopped workload
	 * @param timeout the deadline
	 */
	void awaitConverged(Workload workload, Duration timeout) {
		Set<Long> committed = workload.committedEvents();
		await().atMost(timeout).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
			for (NodeProcess node : this.nodes) {
				Set<Long> present = Databases.eventIds(node.dbPath());
				Set<Long> missing = committed.stream()
					.filter((id) -> !present.contains(id))
					.collect(Collectors.toSet());
				assertThat(missing).as("committed events missing on node %d", node.id()).isEmpty();
				Map<Long, Long> counters = Databases.counters(node.dbPath());
				for (NodeProcess origin : this.nodes) {
					assertThat(counters.get((long) origin.id()))
						.as("counter of node %d on node %d", origin.id(), node.id())
						.isEqualTo(workload.committedIncrements(origin.id()));
				}
			}
			List<String> events = this.nodes.stream().map((node) -> Databases.checksum(node.dbPath(), "events")).toList();
			List<String> counters = this.nodes.stream().map((node) -> Databases.checksum(node.dbPath(), "counters"))
				.toList();
			assertThat(events).as("events checksums").containsOnly(events.get(0));
			assertThat(counters).as("counters checksums").containsOnly(counters.get(0));
		});
		logger.info("Cluster converged: {} committed events, identical on {} nodes", committed.size(), this.nodes.size());
	}

	@Override
	public void close() {
		for (NodeProcess node : this.nodes) {
			try {
				node.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not kill node {}: {}", node.id(), ex.getMessage());
			}
		}
		if (this.network != null) {
			this.network.close();
		}
	}

}
