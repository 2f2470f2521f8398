package io.harmonylite.autoconfigure.liquibase;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.harmonylite.autoconfigure.TestEngines;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.sqlite.SqliteConnections;
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteLiquibaseAutoConfiguration}.
 */
class HarmonyLiteLiquibaseAutoConfigurationTests {

	@TempDir
	Path dir;

	private TestDatabase db;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void database() throws SQLException {
		Path path = this.dir.resolve("liquibase.db");
		this.db = new TestDatabase(path);
		// Release 1, as Liquibase would have left it, with capture installed by a previous run of the node.
		this.db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author TEXT NOT NULL, "
				+ "isbn TEXT)");
		try (Connection connection = SqliteConnections.open(path)) {
			new ChangeCapture(connection, List.of(), List.of()).install();
		}
		HarmonyLiteEngine engine = TestEngines.unstarted(1, path);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HarmonyLiteLiquibaseAutoConfiguration.class))
			.withBean(HarmonyLiteEngine.class, () -> engine);
	}

	@Test
	void runShouldCreatePostProcessor() {
		this.contextRunner
			.run((context) -> assertThat(context).hasSingleBean(LiquibaseMigrationPostProcessor.class));
	}

	@Test
	void runWhenLiquibaseIsAbsentShouldNotCreatePostProcessor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SpringLiquibase.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LiquibaseMigrationPostProcessor.class));
	}

	@Test
	void runWithoutEngineShouldNotCreatePostProcessor() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HarmonyLiteLiquibaseAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LiquibaseMigrationPostProcessor.class));
	}

	@Test
	void runWithUserPostProcessorShouldBackOff() {
		LiquibaseMigrationPostProcessor user = new LiquibaseMigrationPostProcessor(null);
		this.contextRunner.withBean("userPostProcessor", LiquibaseMigrationPostProcessor.class, () -> user)
			.run((context) -> assertThat(context).getBean(LiquibaseMigrationPostProcessor.class).isSameAs(user));
	}

	@Test
	void updateDroppingACapturedColumnShouldSucceed() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class))
			.withPropertyValues(liquibaseProperties())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(columns()).containsExactly("id", "title", "author");
			});
	}

	@Test
	void withoutPostProcessorUpdateDroppingACapturedColumnShouldFail() {
		// The control for the test above: SQLite refuses DROP COLUMN of a column a capture trigger names.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class))
			.withPropertyValues(liquibaseProperties())
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("isbn"));
	}

	private String[] liquibaseProperties() {
		return new String[] { "spring.datasource.url=jdbc:sqlite:" + this.db.path(),
				"spring.liquibase.change-log=classpath:db/harmonylite-liquibase-test/drop-isbn.xml",
				"spring.liquibase.analytics-enabled=false" };
	}

	private List<String> columns() {
		return this.db.rows("SELECT name FROM pragma_table_info('Books') ORDER BY cid");
	}

}
