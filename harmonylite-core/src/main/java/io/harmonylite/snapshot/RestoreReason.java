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
	STREAM_GAP

}
