package io.harmonylite.nats;

import java.net.URI;
import java.net.URISyntaxException;

import io.harmonylite.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Checks an entry of {@code harmonylite.nats.urls} as the NATS client will read it: a NATS scheme, a host, and a port
 * from 1 to 65535 when one is given. Without it a bad port fails only once the migrations ran, or is retried as if the
 * server were down.
 */
final class NatsUrls {

	private static final String PROPERTY = "harmonylite.nats.urls";

	private NatsUrls() {
	}

	/**
	 * Fails naming the property and the entry when it is not a usable NATS URL.
	 * @param url one configured entry
	 * @throws ConfigException naming {@code harmonylite.nats.urls} and why the entry is refused
	 */
	static void requireValid(String url) {
		if (!url.matches("(?i)(nats|tls|ws|wss)://.+")) {
			throw invalid(url, "is not a NATS URL such as nats://localhost:4222");
		}
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw invalid(url, "is not a valid URL: " + ex.getMessage());
		}
		if (uri.getHost() == null) {
			throw invalid(url, whyNoHost(uri.getRawAuthority()));
		}
		if (uri.getPort() == 0 || uri.getPort() > 65535 || uri.getRawAuthority().endsWith(":")) {
			throw invalid(url, "has port '" + portOf(uri.getRawAuthority()) + "', which is not between 1 and 65535");
		}
	}

	private static String whyNoHost(@Nullable String authority) {
		if (authority == null) {
			return "names no host";
		}
		String port = portOf(authority);
		if (port != null && !port.matches("\\d*")) {
			return "has port '" + port + "', which is not a number";
		}
		if (port != null && (port.isEmpty() || port.length() > 5 || Integer.parseInt(port) > 65535)) {
			return "has port '" + port + "', which is not between 1 and 65535";
		}
		return (hostOf(authority).isEmpty()) ? "names no host" : "has host '" + hostOf(authority)
				+ "', which is not a valid host name (letters, digits, '-' and '.'; an IPv6 address in [ ])";
	}

	/** The authority without user info: {@code host[:port]}. */
	private static String hostAndPort(String authority) {
		return authority.substring(authority.lastIndexOf('@') + 1);
	}

	private static String hostOf(String authority) {
		String hostAndPort = hostAndPort(authority);
		String port = portOf(authority);
		return (port != null) ? hostAndPort.substring(0, hostAndPort.length() - port.length() - 1) : hostAndPort;
	}

	private static @Nullable String portOf(String authority) {
		String hostAndPort = hostAndPort(authority);
		int colon = hostAndPort.lastIndexOf(':');
		return (colon < 0 || colon < hostAndPort.lastIndexOf(']')) ? null : hostAndPort.substring(colon + 1);
	}

	private static ConfigException invalid(String url, String why) {
		return new ConfigException(PROPERTY, "'" + url + "' " + why);
	}

}
