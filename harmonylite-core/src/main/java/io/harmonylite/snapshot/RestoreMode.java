package io.harmonylite.snapshot;

/**
 * When a node restores a snapshot by itself ({@code harmonylite.snapshot.restore}).
 *
 * @since 0.1.0
 */
public enum RestoreMode {

	/** When it starts with no replication state, and when it finds a stream gap. */
	AUTO,

	/** Only when it starts with no replication state (a new node). */
	IF_EMPTY,

	/** Never; a node with a gap waits for an operator. */
	NEVER;

	/**
	 * Whether this mode restores in a situation.
	 * @param reason why a restore is considered
	 * @return {@code true} when it restores
	 */
	public boolean allows(RestoreReason reason) {
		return switch (this) {
			case AUTO -> true;
			case IF_EMPTY -> reason == RestoreReason.NO_REPLICATION_STATE;
			case NEVER -> false;
		};
	}

}
