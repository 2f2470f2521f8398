package io.harmonylite.autoconfigure;

import java.nio.file.Path;

import io.harmonylite.engine.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MigrationDiagnostics}: the startup warnings about migrations that did not run and capture that
 * covers no table.
 */
@ExtendWith(OutputCaptureExtension.class)
class MigrationDiagnosticsTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, HarmonyLiteAutoConfiguration.class))
			.withPropertyValues("harmonylite.node-id=1", "harmonylite.nats.embedded.port=0",
					"spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"));
	}

	private void createTable() {
		new TestDatabase(this.dir.resolve("app.db")).execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
	}

	@Test
	void runWithFlywayLibraryAloneShouldWarnToAddTheStarter() {
		createTable();
		contextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.flyway", "liquibase"))
			.run((context) -> assertThat(warnings(context)).singleElement()
				.asString()
				.contains("Flyway is on the classpath but ran no migration")
				.contains("Spring Boot 4 runs Flyway only with its starter, spring-boot-starter-flyway")
				.contains("spring.flyway.enabled=false"));
	}

	@Test
	void runWithFlywayButNoFlywayBeanShouldWarn() {
		createTable();
		contextRunner().withClassLoader(new FilteredClassLoader("liquibase"))
			.run((context) -> assertThat(warnings(context)).singleElement()
				.asString()
				.contains("no Flyway bean was created"));
	}

	@Test
	void runWithFlywayMigratingShouldNotWarn() {
		contextRunner().withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues("spring.flyway.locations=classpath:db/harmonylite-diagnostics-test")
			.withClassLoader(new FilteredClassLoader("liquibase"))
			.run((context) -> assertThat(warnings(context)).isEmpty());
	}

	@Test
	void runWithFlywayDisabledShouldNotWarn() {
		createTable();
		contextRunner().withPropertyValues("spring.flyway.enabled=false")
			.withClassLoader(new FilteredClassLoader("liquibase"))
			.run((context) -> assertThat(warnings(context)).isEmpty());
	}

	@Test
	void runWithLiquibaseLibraryAloneShouldWarnToAddTheStarter() {
		createTable();
		contextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.liquibase", "org.flywaydb"))
			.run((context) -> assertThat(warnings(context)).singleElement()
				.asString()
				.contains("Liquibase is on the classpath but ran no migration")
				.contains("spring-boot-starter-liquibase"));
	}

	@Test
	void runWithoutAnyTableShouldWarnThatNothingIsCaptured() {
		contextRunner().withClassLoader(new FilteredClassLoader("org.flywaydb", "liquibase"))
			.run((context) -> assertThat(warnings(context)).singleElement()
				.asString()
				.contains("Node 1: no table is captured")
				.contains("app.db"));
	}

	@Test
	void runWithATableAndNoMigrationToolShouldNotWarn() {
		createTable();
		contextRunner().withClassLoader(new FilteredClassLoader("org.flywaydb", "liquibase"))
			.run((context) -> assertThat(warnings(context)).isEmpty());
	}

	@Test
	void warningsShouldBeLoggedWhenTheContextIsRefreshed(CapturedOutput output) {
		contextRunner().withClassLoader(new FilteredClassLoader("org.flywaydb", "liquibase"))
			.run((context) -> assertThat(output).contains("WARN").contains("Node 1: no table is captured"));
	}

	private static Iterable<String> warnings(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(MigrationDiagnostics.class).warnings();
	}

}
