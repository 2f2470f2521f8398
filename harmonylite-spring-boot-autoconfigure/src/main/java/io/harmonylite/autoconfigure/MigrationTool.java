package io.harmonylite.autoconfigure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The schema migration tools Spring Boot runs at startup, and the tables in which they keep their own state. Those
 * tables are never replicated: every node runs its migrations itself and keeps its own history.
 */
enum MigrationTool {

	/** Flyway, whose schema history table is {@code spring.flyway.table}. */
	FLYWAY("Flyway", "org.flywaydb.core.Flyway", "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
			"spring.flyway", "spring-boot-starter-flyway") {

		@Override
		List<String> historyTables(Environment environment) {
			return List.of(environment.getProperty("spring.flyway.table", "flyway_schema_history"));
		}

		@Override
		String versionQuery(String historyTable) {
			return "SELECT version FROM \"" + historyTable + "\" WHERE success = 1 AND version IS NOT NULL "
					+ "ORDER BY installed_rank DESC LIMIT 1";
		}

	},

	/** Liquibase, whose change log and lock tables are {@code spring.liquibase.database-change-log(-lock)-table}. */
	LIQUIBASE("Liquibase", "liquibase.integration.spring.SpringLiquibase",
			"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration", "spring.liquibase",
			"spring-boot-starter-liquibase") {

		@Override
		List<String> historyTables(Environment environment) {
			return List.of(environment.getProperty("spring.liquibase.database-change-log-table", "DATABASECHANGELOG"),
					environment.getProperty("spring.liquibase.database-change-log-lock-table",
							"DATABASECHANGELOGLOCK"));
		}

		@Override
		String versionQuery(String historyTable) {
			return "SELECT id FROM \"" + historyTable + "\" ORDER BY orderexecuted DESC LIMIT 1";
		}

	};

	private final String displayName;

	private final String beanClass;

	private final String autoConfigurationClass;

	private final String propertyPrefix;

	private final String starter;

	MigrationTool(String displayName, String beanClass, String autoConfigurationClass, String propertyPrefix,
			String starter) {
		this.displayName = displayName;
		this.beanClass = beanClass;
		this.autoConfigurationClass = autoConfigurationClass;
		this.propertyPrefix = propertyPrefix;
		this.starter = starter;
	}

	/**
	 * The tables of every tool, whether it runs in this application or not: a tool's history is node-local wherever it
	 * comes from (another application's Flyway on the same file, the standalone node beside a Spring application), and
	 * leaving it out everywhere gives nodes of one schema one hash.
	 * @param environment the application's environment, for table names configured otherwise
	 * @return the table names
	 */
	static List<String> allHistoryTables(Environment environment) {
		List<String> tables = new ArrayList<>();
		for (MigrationTool tool : values()) {
			tables.addAll(tool.historyTables(environment));
		}
		return tables;
	}

	/**
	 * The tables in which the tool keeps its state, as the application configures them.
	 * @param environment the application's environment
	 * @return the table names
	 */
	abstract List<String> historyTables(Environment environment);

	/**
	 * The query of the last migration applied, from the tool's history table (the first of {@link #historyTables}).
	 * @param historyTable the table
	 * @return a query returning one row with the migration's version or id, or none
	 */
	abstract String versionQuery(String historyTable);

	/**
	 * The last migration the tool applied to the database, such as {@code flyway:3} or {@code liquibase:add-email}.
	 * @param connection a connection to the database
	 * @param environment the application's environment
	 * @return the migration, or {@code null} when the tool has not run on this database
	 * @throws SQLException if the history cannot be read
	 */
	@Nullable String currentVersion(Connection connection, Environment environment) throws SQLException {
		String table = historyTables(environment).get(0);
		try (PreparedStatement exists = connection
			.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE")) {
			exists.setString(1, table);
			try (ResultSet rows = exists.executeQuery()) {
				if (!rows.next()) {
					return null;
				}
			}
		}
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(versionQuery(table))) {
			return rows.next() ? name().toLowerCase(Locale.ROOT) + ":" + rows.getString(1) : null;
		}
	}

	/**
	 * Whether the tool is on the classpath and not disabled ({@code spring.<tool>.enabled}).
	 * @param environment the application's environment
	 * @param classLoader the class loader to look for the tool with
	 * @return {@code true} when the tool may run
	 */
	boolean isActive(Environment environment, @Nullable ClassLoader classLoader) {
		return ClassUtils.isPresent(this.beanClass, classLoader)
				&& environment.getProperty(this.propertyPrefix + ".enabled", Boolean.class, true);
	}

	/**
	 * Whether Spring Boot's module for the tool is on the classpath; since Spring Boot 4 the tool's library alone
	 * is not auto-configured.
	 * @param classLoader the class loader to look with
	 * @return {@code true} when Spring Boot can run the tool
	 */
	boolean isAutoConfigurable(@Nullable ClassLoader classLoader) {
		return ClassUtils.isPresent(this.autoConfigurationClass, classLoader);
	}

	/**
	 * The class of the bean that runs the migrations, such as {@code Flyway}.
	 * @return the fully qualified class name
	 */
	String beanClass() {
		return this.beanClass;
	}

	/**
	 * The tool's name for messages.
	 * @return e.g. {@code Flyway}
	 */
	String displayName() {
		return this.displayName;
	}

	/**
	 * The prefix of Spring Boot's properties for the tool.
	 * @return e.g. {@code spring.flyway}
	 */
	String propertyPrefix() {
		return this.propertyPrefix;
	}

	/**
	 * The starter that makes Spring Boot run the tool.
	 * @return e.g. {@code spring-boot-starter-flyway}
	 */
	String starter() {
		return this.starter;
	}

}
