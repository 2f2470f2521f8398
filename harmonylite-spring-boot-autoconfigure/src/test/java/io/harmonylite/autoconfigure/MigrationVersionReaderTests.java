package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import javax.sql.DataSource;

import io.harmonylite.engine.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MigrationVersionReader}.
 */
class MigrationVersionReaderTests {

	@TempDir
	Path dir;

	private TestDatabase db;

	private final MockEnvironment environment = new MockEnvironment();

	@BeforeEach
	void database() {
		this.db = new TestDatabase(this.dir.resolve("app.db"));
		this.db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY)");
	}

	@Test
	void readShouldReturnTheLastSuccessfulFlywayMigration() {
		this.db.execute("CREATE TABLE flyway_schema_history (installed_rank INT, version TEXT, success BOOLEAN)",
				"INSERT INTO flyway_schema_history VALUES (1, '1', 1), (2, '2', 1), (3, NULL, 1), (4, '3', 0)");

		assertThat(reader("liquibase").read()).isEqualTo("flyway:2");
	}

	@Test
	void readShouldFollowACustomFlywayTable() {
		this.environment.setProperty("spring.flyway.table", "migrations");
		this.db.execute("CREATE TABLE migrations (installed_rank INT, version TEXT, success BOOLEAN)",
				"INSERT INTO migrations VALUES (1, '7', 1)");

		assertThat(reader("liquibase").read()).isEqualTo("flyway:7");
	}

	@Test
	void readShouldReturnTheLastLiquibaseChangeSet() {
		this.db.execute("CREATE TABLE DATABASECHANGELOG (ID TEXT, ORDEREXECUTED INT)",
				"INSERT INTO DATABASECHANGELOG VALUES ('create-books', 1), ('add-email', 2)");

		assertThat(reader("org.flywaydb").read()).isEqualTo("liquibase:add-email");
	}

	@Test
	void readBeforeAnyMigrationShouldReturnNull() {
		assertThat(reader("nothing.filtered").read()).isNull();
	}

	@Test
	void readWhenTheToolIsDisabledShouldReturnNull() {
		this.environment.setProperty("spring.flyway.enabled", "false");
		this.db.execute("CREATE TABLE flyway_schema_history (installed_rank INT, version TEXT, success BOOLEAN)",
				"INSERT INTO flyway_schema_history VALUES (1, '1', 1)");

		assertThat(reader("liquibase").read()).isNull();
	}

	@Test
	void readWithoutDataSourceShouldReturnNull() {
		MigrationVersionReader reader = new MigrationVersionReader(
				new StaticListableBeanFactory().getBeanProvider(DataSource.class), this.environment,
				getClass().getClassLoader());

		assertThat(reader.read()).isNull();
	}

	private MigrationVersionReader reader(String hiddenPackage) {
		SQLiteDataSource dataSource = new SQLiteDataSource();
		dataSource.setUrl("jdbc:sqlite:" + this.db.path());
		return new MigrationVersionReader(
				new StaticListableBeanFactory(Map.of("dataSource", dataSource)).getBeanProvider(DataSource.class),
				this.environment, new FilteredClassLoader(hiddenPackage));
	}

}
