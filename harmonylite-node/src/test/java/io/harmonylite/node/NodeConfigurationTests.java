package io.harmonylite.node;

import io.harmonylite.ConfigException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node refuses to start without a database file, before anything else is created.
 */
class NodeConfigurationTests {

	@Test
	void nodeWithoutDbPathShouldFailNamingIt() {
		SpringApplication application = new SpringApplication(HarmonyLiteNodeApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);

		assertThatThrownBy(() -> application.run("--harmonylite.node-id=1")).rootCause()
			.isInstanceOfSatisfying(ConfigException.class,
					(ex) -> assertThat(ex.property()).isEqualTo("harmonylite.db-path"))
			.hasMessageContaining("is required by the standalone node");
	}

}
