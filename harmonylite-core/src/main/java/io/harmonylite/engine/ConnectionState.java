package io.harmonylite.engine;

import org.jspecify.annotations.Nullable;

/**
 * The node's connection to NATS as the status sees it.
 */
interface ConnectionState {

	/**
	 * Whether the connection is up.
	 * @return {@code true} when connected
	 */
	boolean connected();

	/**
	 * The server the connection is attached to.
	 * @return its URL, or {@code null} while disconnected
	 */
	@Nullable String connectedUrl();

}
