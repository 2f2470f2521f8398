package io.harmonylite.snapshot;

import java.util.Optional;

/**
 * Tells whether this node's database is a state the cluster agreed on, so that a snapshot of it may be taken: not
 * while a shard is paused or has a stream gap.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ConsistencyCheck {

	/**
	 * Why no snapshot may be taken now.
	 * @return the reason, e.g. {@code shard 1 is paused (schema mismatch)}; empty when a snapshot may be taken
	 */
	Optional<String> blocker();

	/**
	 * A check that never blocks, for tools and tests that copy a database outside a running node.
	 * @return the check
	 */
	static ConsistencyCheck always() {
		return Optional::empty;
	}

}
