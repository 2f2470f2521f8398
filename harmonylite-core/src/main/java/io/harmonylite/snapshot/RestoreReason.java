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
	 * The node last applied a change longer ago than the tombstone retention and the streams hold changes it has not
	 * applied: the other nodes may have removed the tombstones of rows deleted meanwhile, so replaying the streams
	 * here while its own older changes reach them would leave the nodes with different rows.
	 */
	AWAY_LONGER_THAN_TOMBSTONES

}
