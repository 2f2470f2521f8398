package io.harmonylite.snapshot;

/**
 * What a node should do about snapshots when it starts or finds a gap.
 *
 * @since 0.1.0
 */
public sealed interface RestoreDecision {

	/**
	 * Restore this snapshot, then resume the streams from its positions.
	 *
	 * @param snapshot the newest compatible snapshot
	 */
	record Restore(SnapshotMetadata snapshot) implements RestoreDecision {
	}

	/**
	 * Go on without a snapshot: none is needed, or the mode does not restore in this situation.
	 *
	 * @param reason why
	 */
	record Proceed(String reason) implements RestoreDecision {
	}

	/**
	 * A snapshot is needed but none fits: wait (as for a paused shard), say why, and decide again later.
	 *
	 * @param reason why no snapshot fits, with the fix
	 */
	record Wait(String reason) implements RestoreDecision {
	}

}
