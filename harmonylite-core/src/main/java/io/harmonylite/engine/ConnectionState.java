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

	/**
	 * The server the node relies on, and whether its acknowledgements survive a power loss.
	 * @return what is known of it
	 */
	default Server server() {
		return Server.UNKNOWN;
	}

	/**
	 * What the status shows of the NATS server: the embedded server's state, and the durability of acknowledgements.
	 *
	 * @param embeddedServer the embedded server's state ({@code RUNNING}, {@code DOWN}, {@code STOPPED}), {@code null}
	 * with external servers
	 * @param version the connected server's version, {@code null} when unknown
	 * @param sync the server's JetStream sync setting, {@code null} when unknown
	 * @param replicas the replicas the streams are meant to have
	 * @param durableAcks whether acknowledged changes survive a power loss, {@code null} when unknown
	 * @param durabilityWarning why they do not (or are not known to), {@code null} when they do
	 */
	record Server(@Nullable String embeddedServer, @Nullable String version, @Nullable String sync, int replicas,
			@Nullable Boolean durableAcks, @Nullable String durabilityWarning) {

		/** Nothing known. */
		static final Server UNKNOWN = new Server(null, null, null, 0, null, null);

	}

}
