package io.harmonylite.snapshot;

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

}
