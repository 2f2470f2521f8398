package io.harmonylite.snapshot;

/**
 * Told how far the copy into the live database has come, after the node's local state was taken into the snapshot.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RestoreProgress {

	/** A listener that ignores the progress. */
	RestoreProgress NONE = (remaining, total) -> {
	};

	/**
	 * Called after each step of the copy, on the restoring thread, while the database's write lock is held.
	 * @param remainingPages pages still to copy
	 * @param totalPages pages in all
	 */
	void copied(int remainingPages, int totalPages);

}
