package io.harmonylite.nats.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;

/**
 * Records which node an embedded server's store directory belongs to, and refuses it to any other node. The server's
 * name, and with it its identity in the cluster's JetStream, follows the node id: a node started with another node's
 * id on that node's store (a configuration copied from another machine) would run a second server of the same name on
 * the first one's data, which the cluster cannot tell apart and which can cost it its streams.
 */
final class StoreOwner {

	/** The file, in the store directory, that holds the owner's node id. */
	static final String FILE = "harmonylite-node-id";

	private StoreOwner() {
	}

	/**
	 * Fails when the store directory belongs to another node, changing nothing.
	 * @param storeDir the store directory
	 * @param nodeId the node about to start the server
	 * @return whether the directory is this node's already ({@code false}: nobody's yet)
	 * @throws ConfigException naming {@code harmonylite.node-id} when the directory belongs to another node
	 */
	static boolean check(Path storeDir, long nodeId) {
		Path file = storeDir.resolve(FILE);
		if (!Files.exists(file)) {
			return false;
		}
		String owner;
		try {
			owner = Files.readString(file, StandardCharsets.UTF_8).trim();
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not read " + file + ": " + ex.getMessage(), ex);
		}
		if (!owner.equals(Long.toString(nodeId))) {
			throw new ConfigException("harmonylite.node-id", "this node is node " + nodeId + ", but the store "
					+ "directory of its embedded nats-server (" + storeDir + ") holds the JetStream data of node "
					+ owner + "'s server; a configuration copied from another node? Give this node its own id; if "
					+ "this really is node " + owner + ", set harmonylite.node-id=" + owner + " (to give the "
					+ "directory to another id, delete it: the server then joins its cluster afresh)");
		}
		return true;
	}

	/**
	 * Claims the store directory for a node, or fails when another node's data is in it.
	 * @param storeDir the store directory (created if missing)
	 * @param nodeId the node starting the server
	 * @throws ConfigException naming {@code harmonylite.node-id} when the directory belongs to another node
	 */
	static void claim(Path storeDir, long nodeId) {
		Path file = storeDir.resolve(FILE);
		try {
			if (check(storeDir, nodeId)) {
				return;
			}
			Files.createDirectories(storeDir);
			Files.writeString(file, nodeId + "\n", StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not read or write " + file + ": " + ex.getMessage() + ". Check that "
					+ "harmonylite.nats.embedded.store-dir (" + storeDir + ") is writable.", ex);
		}
	}

}
