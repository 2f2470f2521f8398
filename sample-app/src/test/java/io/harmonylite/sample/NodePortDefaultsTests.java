package io.harmonylite.sample;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node N's default ports in the {@code node} profile.
 */
class NodePortDefaultsTests {

	private final NodePortDefaults defaults = new NodePortDefaults();

	@Test
	void nodeProfileShouldDeriveBothPortsFromTheNodeId() {
		StandardEnvironment environment = environment(true, Map.of("harmonylite.node-id", "3"));

		this.defaults.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("harmonylite.nats.embedded.port", Integer.class)).isEqualTo(4323);
		assertThat(environment.getProperty("server.port", Integer.class)).isEqualTo(8083);
	}

	@Test
	void explicitPortsShouldWin() {
		StandardEnvironment environment = environment(true,
				Map.of("harmonylite.node-id", "3", "harmonylite.nats.embedded.port", "5000", "server.port", "0"));

		this.defaults.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("harmonylite.nats.embedded.port")).isEqualTo("5000");
		assertThat(environment.getProperty("server.port")).isEqualTo("0");
		assertThat(environment.getPropertySources().contains(NodePortDefaults.PROPERTY_SOURCE)).isFalse();
	}

	@Test
	void demoAppShouldKeepTheUsualDefaults() {
		StandardEnvironment environment = environment(false, Map.of("harmonylite.node-id", "3"));

		this.defaults.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("harmonylite.nats.embedded.port")).isNull();
		assertThat(environment.getProperty("server.port")).isNull();
	}

	@Test
	void nodeWithoutValidNodeIdShouldGetNoDefaults() {
		StandardEnvironment environment = environment(true, Map.of("harmonylite.node-id", "one"));

		this.defaults.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("server.port")).isNull();
	}

	private static StandardEnvironment environment(boolean nodeProfile, Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		if (nodeProfile) {
			environment.setActiveProfiles(HarmonyLiteSampleApplication.NODE_PROFILE);
		}
		return environment;
	}

}
