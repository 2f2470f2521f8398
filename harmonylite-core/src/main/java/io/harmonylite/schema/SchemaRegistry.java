package io.harmonylite.schema;

import java.util.List;

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

}
