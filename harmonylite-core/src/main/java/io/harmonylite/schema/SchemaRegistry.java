package io.harmonylite.schema;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Where nodes publish their schema state and read everyone else's, so that mismatches are visible cluster-wide.
 * Entries of nodes that stopped publishing expire, so nodes re-publish as a heartbeat.
 *
 * @since 0.1.0
 */
public interface SchemaRegistry {

	/**
	 * Publishes this node's state, replacing the node's previous entry and restarting its expiry.
	 * @param state the state to publish
	 * @throws SchemaRegistryException if the registry cannot be reached
	 */
	void publish(NodeSchemaState state);

	/**
	 * Lists the states of the live nodes.
	 * @return one state per node, ordered by node id; expired and unreadable entries are left out
	 * @throws SchemaRegistryException if the registry cannot be reached
	 */
	List<NodeSchemaState> nodes();

	/**
	 * Lists the states of the live nodes for a reader who waits on the answer (an operator's endpoint, a probe):
	 * waits for the registry no longer than the given time, and not at all while the registry is known to be out of
	 * reach.
	 * @param deadline how long to wait for an unavailable registry
	 * @return as {@link #nodes()}
	 * @throws SchemaRegistryException if the registry cannot be reached in that time
	 */
	default List<NodeSchemaState> nodes(Duration deadline) {
		return nodes();
	}

	/**
	 * Every schema hash a node ever published as its current or previous hash, also of nodes that stopped or left
	 * since: a change carrying any other hash was made with a schema no node of the cluster has.
	 * @return the hashes, the live nodes' included
	 * @throws SchemaRegistryException if the registry cannot be reached
	 */
	Set<String> reportedHashes();

}
