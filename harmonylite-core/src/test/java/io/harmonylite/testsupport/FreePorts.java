package io.harmonylite.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds free TCP ports on the loopback interface.
 *
 * @since 0.1.0
 */
public final class FreePorts {

	private FreePorts() {
	}

	/**
	 * One free port.
	 * @return the port
	 */
	public static int one() {
		return many(1).get(0);
	}

	/**
	 * Distinct free ports, all held open together while they are chosen so none repeats.
	 * @param count how many
	 * @return the ports
	 */
	public static List<Integer> many(int count) {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			List<Integer> ports = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				sockets.add(socket);
				ports.add(socket.getLocalPort());
			}
			return ports;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find free ports", ex);
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// Closing an unused listening socket cannot lose anything.
				}
			}
		}
	}

	/**
	 * Whether nothing listens on a loopback port.
	 * @param port the port
	 * @return {@code true} when the port can be bound
	 */
	public static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
