package io.harmonylite.nats.embedded;

/**
 * The state of a node's embedded {@code nats-server}, as its {@link EmbeddedServerSupervisor} sees it.
 *
 * @since 0.1.0
 */
public enum EmbeddedServerState {

	/** The server process runs. */
	RUNNING,

	/** The server exited unexpectedly and is being restarted with backoff; the node can neither send nor receive. */
	DOWN,

	/** Not started yet, or stopped with the node. */
	STOPPED

}
