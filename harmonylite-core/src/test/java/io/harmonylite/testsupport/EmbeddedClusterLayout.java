package io.harmonylite.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.nats.NatsConfig;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import org.jspecify.annotations.Nullable;

/**
 * The embedded nats-servers of a test cluster of nodes on loopback: per node a free client port, cluster port and
 * monitoring port, a store directory, and routes to every other node's server. Node numbers start at 1.
 *
 * @param dir where the nodes' stores live ({@code nats-<node>})
 * @param clientPorts the client ports, by node
 * @param clusterPorts the cluster ports, by node
 * @param monitorPorts the HTTP monitoring ports, by node
 * @since 0.1.0
 */
public record EmbeddedClusterLayout(Path dir, List<Integer> clientPorts, List<Integer> clusterPorts,
		List<Integer> monitorPorts) {

	/** The startup timeout of the test nodes: the others of a cluster may start later on a busy machine. */
	public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	/**
	 * Chooses free ports for a cluster.
	 * @param size the number of nodes
	 * @param dir where the stores live
	 * @return the layout
	 */
	public static EmbeddedClusterLayout of(int size, Path dir) {
		List<Integer> ports = FreePorts.many(3 * size);
		return new EmbeddedClusterLayout(dir, ports.subList(0, size), ports.subList(size, 2 * size),
				ports.subList(2 * size, 3 * size));
	}

	/**
	 * The cluster listen address of a node's server.
	 * @param node the node, from 1
	 * @return {@code 127.0.0.1:<port>}
	 */
	public String clusterAddr(int node) {
		return "127.0.0.1:" + this.clusterPorts.get(node - 1);
	}

	/**
	 * The route URLs of every other node's server.
	 * @param node the node, from 1
	 * @return the peers
	 */
	public List<String> peersOf(int node) {
		List<String> peers = new ArrayList<>();
		for (int other = 1; other <= this.clientPorts.size(); other++) {
			if (other != node) {
				peers.add("nats://" + clusterAddr(other));
			}
		}
		return peers;
	}

	/**
	 * A node's embedded server with the durable defaults, routed to every other node.
	 * @param node the node, from 1
	 * @param binary the nats-server executable, or {@code null} for the one on the PATH
	 * @return the settings
	 */
	public EmbeddedNatsConfig embedded(int node, @Nullable Path binary) {
		return embedded(node, binary, peersOf(node));
	}

	/**
	 * A node's embedded server with the durable defaults and the given peers.
	 * @param node the node, from 1
	 * @param binary the nats-server executable, or {@code null} for the one on the PATH
	 * @param peers its route URLs
	 * @return the settings
	 */
	public EmbeddedNatsConfig embedded(int node, @Nullable Path binary, List<String> peers) {
		return new EmbeddedNatsConfig(binary, this.dir.resolve("nats-" + node), this.clientPorts.get(node - 1),
				clusterAddr(node), peers, EmbeddedNatsConfig.SYNC_ALWAYS, EmbeddedNatsConfig.DEFAULT_MAX_PAYLOAD,
				this.monitorPorts.get(node - 1));
	}

	/**
	 * The NATS settings of a node using its embedded server.
	 * @param embedded the embedded server
	 * @return the settings, with the test startup timeout
	 */
	public static NatsConfig nats(EmbeddedNatsConfig embedded) {
		NatsConfig defaults = NatsConfig.embeddedDefaults();
		return new NatsConfig(List.of(), null, null, null, null, null, null, null, defaults.connectRetries(),
				Duration.ofMillis(500), embedded).withStartupTimeout(STARTUP_TIMEOUT);
	}

	/**
	 * The NATS settings of a node of this cluster.
	 * @param node the node, from 1
	 * @return the settings
	 */
	public NatsConfig nats(int node) {
		return nats(embedded(node, null));
	}

	/**
	 * The pid file of a node's server.
	 * @param node the node, from 1
	 * @return the file
	 */
	public Path pidFile(int node) {
		return this.dir.resolve("nats-" + node).resolve("nats-server.pid");
	}

}
