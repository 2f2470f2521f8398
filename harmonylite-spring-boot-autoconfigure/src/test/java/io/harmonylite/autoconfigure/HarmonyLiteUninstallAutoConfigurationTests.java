package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteUninstallAutoConfiguration}: a disabled application removes capture when told to, and
 * before Flyway migrates.
 */
class HarmonyLiteUninstallAutoConfigurationTests {

	@TempDir
	Path dir;

	private Path db;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void databaseWithCapture() throws SQLException {
		this.db = this.dir.resolve("app.db");
		try (Connection connection = SqliteConnections.open(this.db); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, isbn TEXT)");
			new ChangeCapture(connection, List.of(), List.of()).install();
			statement.execute("INSERT INTO Books VALUES (1, 'captured, never sent', '978')");
		}
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HarmonyLiteAutoConfiguration.class, HarmonyLiteUninstallAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.db);
	}

	@Test
	void runWhenDisabledAndToldToUninstallShouldRemoveCaptureAndKeepTheData() {
		this.contextRunner.withPropertyValues("harmonylite.enabled=false", "harmonylite.uninstall-when-disabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(DisabledCaptureRemover.class);
				assertThat(harmonyLiteObjects()).isEmpty();
				assertThat(query("SELECT title FROM Books")).containsExactly("captured, never sent");
			});
	}

	@Test
	void runWhenDisabledWithoutUninstallShouldLeaveCaptureInPlace() {
		this.contextRunner.withPropertyValues("harmonylite.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(DisabledCaptureRemover.class);
				assertThat(harmonyLiteObjects()).isNotEmpty();
			});
	}

	@Test
	void runWhenEnabledShouldNeverUninstall() {
		this.contextRunner
			.withPropertyValues("harmonylite.node-id=1", "harmonylite.auto-startup=false",
					"harmonylite.uninstall-when-disabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(DisabledCaptureRemover.class);
				assertThat(harmonyLiteObjects()).isNotEmpty();
			});
	}

	@Test
	void runWithFlywayShouldRemoveCaptureBeforeAMigrationThatTheTriggersWouldBlock() {
		// SQLite refuses to drop a column a trigger names: the migration only works once capture is gone.
		this.contextRunner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues("harmonylite.enabled=false", "harmonylite.uninstall-when-disabled=true",
					"spring.flyway.locations=classpath:db/harmonylite-flyway-test",
					"spring.flyway.baseline-on-migrate=true", "spring.flyway.baseline-version=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(query("SELECT name FROM pragma_table_info('Books') ORDER BY cid")).containsExactly("id",
						"title");
				assertThat(harmonyLiteObjects()).isEmpty();
			});
	}

	private List<String> harmonyLiteObjects() throws SQLException {
		return query("SELECT name FROM sqlite_schema WHERE name LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\'");
	}

	private List<String> query(String sql) throws SQLException {
		try (Connection connection = SqliteConnections.open(this.db); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
	}

}
