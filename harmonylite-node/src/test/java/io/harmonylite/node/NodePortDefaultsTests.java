package io.harmonylite.node;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node N's default ports.
 */
class NodePortDefaultsTests {

	private final NodePortDefaults defaults = new NodePortDefaults();

	@Test
	void nodeIdShouldGiveBothPorts() {
		StandardEnvironment environment = environment(Map.of("harmonylite.node-id", "3"));

		this.defaults.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("harmonylite.nats.embedded.port", Integer.class)).isEqualTo(4323);
		assertThat(environment.getProperty("server.port", Integer.class)).isEqualTo(8083);
	}

	@Test
	void explicitPortsShouldWin() {
		StandardEnvironment environment = environment(
				Map.of("harmonylite.node-id", "3", "harmonylite.nats.embedded.port", "5000", "server.port", "0"));

		this.defaults.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("harmonylite.nats.embedded.port")).isEqualTo("5000");
		assertThat(environment.getProperty("server.port")).isEqualTo("0");
		assertThat(environment.getPropertySources().contains(NodePortDefaults.PROPERTY_SOURCE)).isFalse();
	}

	@Test
	void nodeWithoutNodeIdShouldGetNoDefaults() {
		StandardEnvironment environment = environment(Map.of());

		this.defaults.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("harmonylite.nats.embedded.port")).isNull();
		assertThat(environment.getProperty("server.port")).isNull();
	}

	@Test
	void nodeWithoutValidNodeIdShouldGetNoDefaults() {
		StandardEnvironment environment = environment(Map.of("harmonylite.node-id", "one"));

		this.defaults.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("server.port")).isNull();
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

}
