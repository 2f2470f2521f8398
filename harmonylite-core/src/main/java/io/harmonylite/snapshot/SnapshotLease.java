package io.harmonylite.snapshot;

import java.time.Instant;
import java.util.Optional;

/**
 * The right to take the cluster's scheduled snapshots, held by one node at a time; it expires when its holder stops
 * renewing it (the holder died or lost NATS), so that another node takes over.
 *
 * @since 0.1.0
 */
public interface SnapshotLease {

	/**
	 * Takes the lease when it is free, or renews it when this node holds it; call it at least three times per TTL.
	 * @return whether this node holds the lease now
	 */
	boolean acquireOrRenew();

	/**
	 * Gives the lease up when this node holds it, so that another node can take it at once.
	 */
	void release();

	/**
	 * The node holding the lease.
	 * @return its node id, empty when nobody holds it
	 */
	Optional<Long> holder();

	/**
	 * Asks the holder for a snapshot, for a node that waits for one (none fits it); the request lasts about a TTL, so
	 * call it again while the node still waits.
	 */
	default void requestSnapshot() {
	}

	/**
	 * The latest request for a snapshot still standing.
	 * @return when it was made and by which node, empty when none stands
	 */
	default Optional<SnapshotRequest> request() {
		return Optional.empty();
	}

	/**
	 * A node's request for a snapshot.
	 *
	 * @param nodeId the node that waits for one
	 * @param at when it asked
	 */
	record SnapshotRequest(long nodeId, Instant at) {
	}

}
