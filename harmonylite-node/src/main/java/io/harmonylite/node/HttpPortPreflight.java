package io.harmonylite.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import io.harmonylite.ConfigException;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Fails the node's start at once when its HTTP port is taken, before the engine installs capture in the database,
 * creates streams or starts a server: the web server binds the port only after all that, and a first start would
 * otherwise leave the file changed by a node that never ran.
 */
final class HttpPortPreflight implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		check(event.getEnvironment());
	}

	/**
	 * Binds the configured HTTP port for a moment.
	 * @param environment the node's configuration
	 * @throws ConfigException naming {@code server.port} when another process holds it
	 */
	static void check(ConfigurableEnvironment environment) {
		Integer port = environment.getProperty("server.port", Integer.class);
		if (port == null || port <= 0) {
			return;
		}
		String address = environment.getProperty("server.address");
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			InetSocketAddress endpoint = (address != null) ? new InetSocketAddress(InetAddress.getByName(address), port)
					: new InetSocketAddress(port);
			socket.bind(endpoint);
		}
		catch (IOException ex) {
			throw new ConfigException("server.port", "port " + port + " cannot be bound (" + ex.getMessage()
					+ "): another process holds it, e.g. a node of this id still running. Stop it, or give this node "
					+ "another port (--server.port=PORT; its default is " + NodePortDefaults.HTTP_PORT_BASE + " + the node id)");
		}
	}

}
