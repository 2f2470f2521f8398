package io.harmonylite.snapshot;

/**
 * Why a node considers restoring a snapshot.
 *
 * @since 0.1.0
 */
public enum RestoreReason {

	/** The node starts without stream positions: it is new (empty tables, or tables its migrations created). */
	NO_REPLICATION_STATE,

	/** A stream no longer holds the changes the node needs next (discarded, or the stream was re-created). */
	STREAM_GAP,

	/**
	 * The node holds changes of its own, not yet sent, captured longer ago than the tombstone retention (it was
	 * stopped while its file was written): the other nodes may have removed the tombstones of rows deleted since, so
	 * such a change would bring a row back there while the node itself applies the delete.
	 */
	UNSENT_CHANGES_OLDER_THAN_TOMBSTONES

}
