package io.harmonylite.snapshot;

/**
 * Thrown when a snapshot is not taken because the node is not consistent now (a paused shard, a stream gap); the
 * next attempt may succeed.
 *
 * @since 0.1.0
 */
public class SnapshotRefusedException extends SnapshotException {

	private static final long serialVersionUID = 1L;

	public SnapshotRefusedException(String message) {
		super(message);
	}

}
