package io.harmonylite.autoconfigure;

import java.util.ArrayList;
import java.util.List;

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
	 * The tables of every tool that {@link #isActive is active}.
	 * @param environment the application's environment
	 * @param classLoader the class loader to look for the tools with
	 * @return the table names, empty when no tool runs
	 */
	static List<String> allHistoryTables(Environment environment, @Nullable ClassLoader classLoader) {
		List<String> tables = new ArrayList<>();
		for (MigrationTool tool : values()) {
			if (tool.isActive(environment, classLoader)) {
				tables.addAll(tool.historyTables(environment));
			}
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
