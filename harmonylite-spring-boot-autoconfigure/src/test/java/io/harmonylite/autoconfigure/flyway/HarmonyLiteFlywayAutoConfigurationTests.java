package io.harmonylite.autoconfigure.flyway;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.harmonylite.autoconfigure.TestEngines;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.sqlite.SqliteConnections;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteFlywayAutoConfiguration}.
 */
class HarmonyLiteFlywayAutoConfigurationTests {

	@TempDir
	Path dir;

	private Path db;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void database() throws SQLException {
		this.db = this.dir.resolve("flyway.db");
		try (Connection connection = SqliteConnections.open(this.db)) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, isbn TEXT)");
			}
			new ChangeCapture(connection, List.of(), List.of()).install();
		}
		HarmonyLiteEngine engine = TestEngines.unstarted(1, this.db);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HarmonyLiteFlywayAutoConfiguration.class))
			.withBean(HarmonyLiteEngine.class, () -> engine);
	}

	@Test
	void runShouldCreateMigrationCallback() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SchemaMigrationCallback.class));
	}

	@Test
	void runWhenFlywayIsAbsentShouldNotCreateCallback() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Flyway.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SchemaMigrationCallback.class));
	}

	@Test
	void runWithoutEngineShouldNotCreateCallback() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HarmonyLiteFlywayAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SchemaMigrationCallback.class));
	}

	@Test
	void runWithUserCallbackShouldBackOff() {
		SchemaMigrationCallback userCallback = new SchemaMigrationCallback(
				TestEngines.unstarted(9, this.db));
		this.contextRunner.withBean("userCallback", SchemaMigrationCallback.class, () -> userCallback)
			.run((context) -> assertThat(context).getBean(SchemaMigrationCallback.class).isSameAs(userCallback));
	}

	@Test
	void flywayShouldBeConfiguredWithTheCallback() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				FlywayAutoConfiguration.class))
			.withPropertyValues(flywayProperties())
			.run((context) -> assertThat(context.getBean(Flyway.class).getConfiguration().getCallbacks())
				.contains(context.getBean(SchemaMigrationCallback.class)));
	}

	@Test
	void migrationDroppingACapturedColumnShouldSucceed() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				FlywayAutoConfiguration.class))
			.withPropertyValues(flywayProperties())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(columns()).containsExactly("id", "title");
			});
	}

	@Test
	void migrationShouldSucceedWithADataSourceWhoseTransactionsTakeTheWriteLockAtOnce() {
		// transaction_mode=IMMEDIATE, the usual cure for SQLITE_BUSY_SNAPSHOT in read-then-write transactions: Flyway's
		// transaction holds the write lock while the callback runs.
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				FlywayAutoConfiguration.class))
			.withPropertyValues(flywayProperties())
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.db + "?transaction_mode=IMMEDIATE")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(columns()).containsExactly("id", "title");
			});
	}

	@Test
	void withoutCallbackMigrationDroppingACapturedColumnShouldFail() {
		// The control for the test above: SQLite refuses DROP COLUMN of a column a capture trigger names.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
			.withPropertyValues(flywayProperties())
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("isbn"));
	}

	@Test
	void callbackShouldSupportOnlyMigrateEvents() {
		SchemaMigrationCallback callback = new SchemaMigrationCallback(
				TestEngines.unstarted(1, this.db));
		Context context = null;

		assertThat(List.of(Event.values())).filteredOn((event) -> callback.supports(event, context))
			.containsExactlyInAnyOrder(Event.BEFORE_MIGRATE, Event.AFTER_MIGRATE, Event.AFTER_MIGRATE_ERROR);
		assertThat(callback).isInstanceOf(Callback.class);
		assertThat(callback.getCallbackName()).isEqualTo("HarmonyLite");
	}

	private String[] flywayProperties() {
		return new String[] { "spring.datasource.url=jdbc:sqlite:" + this.db,
				"spring.flyway.locations=classpath:db/harmonylite-flyway-test", "spring.flyway.baseline-on-migrate=true",
				"spring.flyway.baseline-version=1" };
	}

	private List<String> columns() throws SQLException {
		try (Connection connection = SqliteConnections.open(this.db);
				Statement statement = connection.createStatement();
				var rows = statement.executeQuery("SELECT name FROM pragma_table_info('Books') ORDER BY cid")) {
			List<String> names = new java.util.ArrayList<>();
			while (rows.next()) {
				names.add(rows.getString(1));
			}
			return names;
		}
	}

}
