package io.harmonylite.nats.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when a {@code nats-server} cannot be started because something already listens on its client port.
 *
 * @since 0.1.0
 */
public class NatsPortInUseException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	private final String host;

	private final int port;

	public NatsPortInUseException(String host, int port, String message, Throwable cause) {
		super(message, cause);
		this.host = host;
		this.port = port;
	}

	/**
	 * Fails when something listens on the given port, by binding it briefly.
	 * @param host the interface the server would listen on
	 * @param port the client port
	 * @param server names the server in the message, e.g. {@code embedded nats-server of node 1}
	 * @throws NatsPortInUseException when the port is taken
	 */
	public static void requireFree(String host, int port, String server) {
		try (ServerSocket probe = new ServerSocket()) {
			probe.setReuseAddress(true);
			probe.bind(new InetSocketAddress(host, port));
		}
		catch (IOException ex) {
			throw new NatsPortInUseException(host, port, "Cannot start " + server + ": client port " + host + ":" + port
					+ " is already in use (" + ex.getMessage() + "). Stop the process using it (another "
					+ "nats-server?) or configure another port.", ex);
		}
	}

	/**
	 * The interface the server was to listen on.
	 * @return the host, e.g. {@code 127.0.0.1}
	 */
	public String host() {
		return this.host;
	}

	/**
	 * The port that is in use.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

}
