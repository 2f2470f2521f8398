package io.harmonylite.engine;

/**
 * The overall state of a node, from best to worst; health indicators map it to their own statuses.
 *
 * @since 0.1.0
 */
public enum NodeState {

	/** Capturing, publishing and applying. */
	RUNNING,

	/**
	 * A snapshot is being restored into the database: the shards are stopped and start again from the snapshot's
	 * positions; local writes still work.
	 */
	RESTORING,

	/**
	 * At least one shard is paused by an operator and stays paused, also across restarts, until resumed; local writes
	 * still work.
	 */
	PAUSED_MANUALLY,

	/** At least one shard is paused because a change's schema hash does not match; local writes still work. */
	PAUSED_SCHEMA_MISMATCH,

	/**
	 * Local changes that can never be published (e.g. larger than a change may be) were marked failed: the other
	 * nodes miss them until an operator acts (see {@link EngineStatus#recentFailedChanges()}); everything else flows.
	 */
	PUBLISH_FAILED,

	/**
	 * A stream no longer holds changes this node needs, and no snapshot fits yet (none exists, or none has this node's
	 * schema hash): the node waits, says why, and restores one as soon as one fits; local writes still work.
	 */
	WAITING_FOR_SNAPSHOT,

	/**
	 * Replication goes on, but not everything flows: changes wait too long for JetStream's acknowledgement, changes
	 * were marked failed, or a shard receives nothing although its stream holds more; {@code problems} in the status
	 * names the shard, table or server.
	 */
	DEGRADED,

	/**
	 * NATS is unreachable: the connection is down, or JetStream has stopped answering (the node's server is cut off
	 * from a quorum of the cluster, or frozen); local writes are captured and will be sent after the reconnect.
	 */
	DISCONNECTED,

	/**
	 * A stream dropped messages this node has not applied, and {@code harmonylite.snapshot.restore} does not restore
	 * by itself here; it cannot catch up until an operator restores a snapshot.
	 */
	STREAM_GAP,

	/** A worker thread (apply, publisher, change notifier, maintenance) died; it is restarted after a backoff. */
	WORKER_FAILED,

	/** Capture triggers are missing: local writes are not being recorded. */
	CAPTURE_BROKEN,

	/** The engine is not started. */
	STOPPED

}
