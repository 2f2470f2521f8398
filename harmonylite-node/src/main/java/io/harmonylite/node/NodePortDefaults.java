package io.harmonylite.node;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives node {@code N} its own default ports, so that several nodes run on one machine
 * without port settings: the embedded nats-server's client port {@value #NATS_PORT_BASE} + N and the HTTP (Actuator)
 * port {@value #HTTP_PORT_BASE} + N. Explicit {@code harmonylite.nats.embedded.port} and {@code server.port} settings,
 * from any source, win: these defaults have the lowest precedence.
 *
 * @since 0.1.0
 */
public class NodePortDefaults implements EnvironmentPostProcessor, Ordered {

	/** Node N's embedded nats-server listens for its clients on this base + N. */
	public static final int NATS_PORT_BASE = 4320;

	/** Node N's web server (Actuator) listens on this base + N. */
	public static final int HTTP_PORT_BASE = 8080;

	static final String PROPERTY_SOURCE = "harmonyliteNodePortDefaults";

	private static final int MAX_NODE_ID_FOR_DEFAULTS = 65535 - NATS_PORT_BASE;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Long nodeId = nodeId(environment);
		if (nodeId == null) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		if (!environment.containsProperty("harmonylite.nats.embedded.port")) {
			defaults.put("harmonylite.nats.embedded.port", NATS_PORT_BASE + nodeId);
		}
		if (!environment.containsProperty("server.port")) {
			defaults.put("server.port", HTTP_PORT_BASE + nodeId);
		}
		if (!defaults.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, defaults));
		}
	}

	private static @Nullable Long nodeId(ConfigurableEnvironment environment) {
		try {
			Long nodeId = environment.getProperty("harmonylite.node-id", Long.class);
			return (nodeId != null && nodeId >= 1 && nodeId <= MAX_NODE_ID_FOR_DEFAULTS) ? nodeId : null;
		}
		catch (RuntimeException ex) {
			// Not a number: the engine's validation reports it with the property name.
			return null;
		}
	}

	@Override
	public int getOrder() {
		// After the config data (application.yml, profiles) is loaded.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
