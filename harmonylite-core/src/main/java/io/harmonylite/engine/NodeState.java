package io.harmonylite.engine;

/**
 * The overall state of a node, from best to worst; health indicators map it to their own statuses.
 *
 * @since 0.1.0
 */
public enum NodeState {

	/** Capturing, publishing and applying. */
	RUNNING,

	/** At least one shard is paused because a change's schema hash does not match; local writes still work. */
	PAUSED_SCHEMA_MISMATCH,

	/** NATS is unreachable; local writes are captured and will be sent after the reconnect. */
	DISCONNECTED,

	/** A stream dropped messages this node has not applied; it cannot catch up without a snapshot. */
	STREAM_GAP,

	/** Capture triggers are missing: local writes are not being recorded. */
	CAPTURE_BROKEN,

	/** The engine is not started. */
	STOPPED

}
