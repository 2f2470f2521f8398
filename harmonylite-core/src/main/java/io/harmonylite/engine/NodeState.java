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

	/** A stream dropped messages this node has not applied; it cannot catch up until an operator acts. */
	STREAM_GAP,

	/** A worker thread (apply, publisher, change notifier, maintenance) died; it is restarted after a backoff. */
	WORKER_FAILED,

	/** Capture triggers are missing: local writes are not being recorded. */
	CAPTURE_BROKEN,

	/** The engine is not started. */
	STOPPED

}
