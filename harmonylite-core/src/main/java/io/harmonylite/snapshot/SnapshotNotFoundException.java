package io.harmonylite.snapshot;

/**
 * Thrown when a store holds no snapshot with the requested id (never stored, deleted by retention, or incomplete).
 *
 * @since 0.1.0
 */
public class SnapshotNotFoundException extends SnapshotException {

	private static final long serialVersionUID = 1L;

	public SnapshotNotFoundException(String id, String store) {
		super("No snapshot '" + id + "' in " + store + "; list the snapshots to see which ones exist (older ones are "
				+ "deleted when more than harmonylite.snapshot.keep exist), or give no id to restore the newest that "
				+ "fits");
	}

}
