package io.harmonylite.nats;

/**
 * Notified of connection state changes after the initial connection, e.g. to feed metrics or health.
 * <p>
 * Called on the NATS client's callback thread; implementations must return quickly.
 *
 * @since 0.1.0
 */
public interface NatsConnectionListener {

	/** A listener that ignores every event. */
	NatsConnectionListener NONE = new NatsConnectionListener() {
	};

	/**
	 * The connection to a server was lost; the client reconnects on its own.
	 * @param server the server that was connected, if known
	 */
	default void disconnected(String server) {
	}

	/**
	 * The connection was re-established.
	 * @param server the server now connected
	 */
	default void reconnected(String server) {
	}

	/**
	 * The connection was closed for good.
	 */
	default void closed() {
	}

}
