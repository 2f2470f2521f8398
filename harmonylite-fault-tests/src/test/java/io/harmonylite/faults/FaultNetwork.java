package io.harmonylite.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private network of hosts on this machine: one Linux network namespace per node, each joined to a bridge in the
 * root namespace by a veth pair. A node is partitioned from all others by taking its veth link down, which drops
 * every packet in both directions as a pulled cable would; healing brings it up again.
 * <p>
 * Names and the subnet are random per instance, so concurrent test runs on one machine do not collide. Creating
 * namespaces needs root (or CAP_NET_ADMIN); {@link #available()} says whether this machine allows it.
 */
final class FaultNetwork implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FaultNetwork.class);

	private final String prefix;

	private final String subnet;

	private final int size;

	private final List<String> created = new ArrayList<>();

	private FaultNetwork(String prefix, String subnet, int size) {
		this.prefix = prefix;
		this.subnet = subnet;
		this.size = size;
	}

	/**
	 * Whether network namespaces can be created here: probes by creating and deleting one.
	 * @return {@code true} when partitions can be real
	 */
	static boolean available() {
		String probe = "hlprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
		Commands.Result added = Commands.run(List.of("ip", "netns", "add", probe));
		if (added.exitCode() != 0) {
			logger.warn("Network namespaces are not available ({}); partitions fall back to SIGSTOP of the "
					+ "nats-server", added.output().strip());
			return false;
		}
		Commands.run(List.of("ip", "netns", "del", probe));
		return true;
	}

	/**
	 * Creates the bridge and one namespace per node, all links up.
	 * @param size the number of nodes
	 * @return the network
	 */
	static FaultNetwork create(int size) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String prefix = "hl" + Integer.toHexString(0x1000 + random.nextInt(0xE000));
		String subnet = "10." + (100 + random.nextInt(100)) + "." + random.nextInt(250);
		FaultNetwork network = new FaultNetwork(prefix, subnet, size);
		try {
			network.build();
		}
		catch (RuntimeException ex) {
			network.close();
			throw ex;
		}
		return network;
	}

	private void build() {
		String bridge = bridge();
		Commands.require("ip", "link", "add", bridge, "type", "bridge");
		this.created.add("link:" + bridge);
		Commands.require("ip", "addr", "add", this.subnet + ".254/24", "dev", bridge);
		Commands.require("ip", "link", "set", bridge, "up");
		for (int node = 1; node <= this.size; node++) {
			String namespace = namespace(node);
			Commands.require("ip", "netns", "add", namespace);
			this.created.add("netns:" + namespace);
			Commands.require("ip", "link", "add", veth(node), "type", "veth", "peer", "name", "eth0", "netns",
					namespace);
			this.created.add("link:" + veth(node));
			Commands.require("ip", "link", "set", veth(node), "master", bridge, "up");
			Commands.require("ip", "-n", namespace, "addr", "add", address(node) + "/24", "dev", "eth0");
			Commands.require("ip", "-n", namespace, "link", "set", "eth0", "up");
			Commands.require("ip", "-n", namespace, "link", "set", "lo", "up");
		}
		logger.info("Network {}: {} namespaces on {}.0/24", this.prefix, this.size, this.subnet);
	}

	/**
	 * The namespace of a node.
	 * @param node the node, from 1
	 * @return its namespace name
	 */
	String namespace(int node) {
		return this.prefix + "n" + node;
	}

	/**
	 * The address of a node on the private network.
	 * @param node the node, from 1
	 * @return its IPv4 address
	 */
	String address(int node) {
		return this.subnet + "." + node;
	}

	/**
	 * Cuts a node off from every other node (and from the root namespace).
	 * @param node the node, from 1
	 */
	void partition(int node) {
		Commands.require("ip", "link", "set", veth(node), "down");
		logger.info("Network {}: node {} partitioned", this.prefix, node);
	}

	/**
	 * Reconnects a partitioned node.
	 * @param node the node, from 1
	 */
	void heal(int node) {
		Commands.require("ip", "link", "set", veth(node), "up");
		logger.info("Network {}: node {} reconnected", this.prefix, node);
	}

	/**
	 * Cuts a node off from the other nodes only: each side drops what it would send to the other (blackhole routes),
	 * while the root namespace, where clients may run, still reaches every node. Such an asymmetric partition leaves
	 * a client's connection to the cut-off node up.
	 * @param node the node, from 1
	 */
	void isolateFromOtherNodes(int node) {
		routesToOtherNodes(node, "add");
		logger.info("Network {}: node {} cut off from the other nodes (still reachable from the root namespace)",
				this.prefix, node);
	}

	/**
	 * Ends {@link #isolateFromOtherNodes}.
	 * @param node the node, from 1
	 */
	void rejoinOtherNodes(int node) {
		routesToOtherNodes(node, "del");
		logger.info("Network {}: node {} reaches the other nodes again", this.prefix, node);
	}

	private void routesToOtherNodes(int node, String action) {
		for (int other = 1; other <= this.size; other++) {
			if (other != node) {
				Commands.require("ip", "-n", namespace(node), "route", action, "blackhole", address(other) + "/32");
				Commands.require("ip", "-n", namespace(other), "route", action, "blackhole", address(node) + "/32");
			}
		}
	}

	private String bridge() {
		return this.prefix + "br";
	}

	private String veth(int node) {
		return this.prefix + "v" + node;
	}

	/**
	 * Deletes the namespaces, links and bridge that were created.
	 */
	@Override
	public void close() {
		for (int i = this.created.size() - 1; i >= 0; i--) {
			String[] object = this.created.get(i).split(":", 2);
			if (object[0].equals("netns")) {
				Commands.run(List.of("ip", "netns", "del", object[1]));
			}
			else {
				Commands.run(List.of("ip", "link", "del", object[1]));
			}
		}
		this.created.clear();
	}

}
