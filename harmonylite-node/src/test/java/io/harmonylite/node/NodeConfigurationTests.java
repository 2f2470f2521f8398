package io.harmonylite.node;

import io.harmonylite.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node refuses to start without a database file it can write, before anything else is created.
 */
@ExtendWith(OutputCaptureExtension.class)
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

	@Test
	void nodeWhoseDatabaseDirectoryTakesNoNewFileShouldFailNamingDbPath(CapturedOutput output) {
		SpringApplication application = new SpringApplication(HarmonyLiteNodeApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);

		// /proc takes no new file, whatever the user's rights: as a read-only directory does.
		assertThatThrownBy(() -> application.run("--harmonylite.node-id=1", "--harmonylite.db-path=/proc/node.db"))
			.rootCause()
			.isInstanceOfSatisfying(ConfigException.class,
					(ex) -> assertThat(ex.property()).isEqualTo("harmonylite.db-path"))
			.hasMessageContaining("the database /proc/node.db is in a directory where this process cannot create files");
		assertThat(output).contains("APPLICATION FAILED TO START").contains("Property: harmonylite.db-path");
	}

}
