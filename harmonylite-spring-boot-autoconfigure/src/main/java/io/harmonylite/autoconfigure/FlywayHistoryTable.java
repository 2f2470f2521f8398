package io.harmonylite.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Finds Flyway's schema history table, which must never be replicated: every node runs its migrations itself and
 * keeps its own history.
 */
final class FlywayHistoryTable {

	static final String FLYWAY_CLASS = "org.flywaydb.core.Flyway";

	static final String DEFAULT_TABLE = "flyway_schema_history";

	private FlywayHistoryTable() {
	}

	/**
	 * The table named by {@code spring.flyway.table} when Flyway is on the classpath and not disabled.
	 * @param environment the application's environment
	 * @param classLoader the class loader to look for Flyway with
	 * @return the table name, or {@code null} when Flyway does not run
	 */
	static @Nullable String name(Environment environment, @Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent(FLYWAY_CLASS, classLoader)
				|| !environment.getProperty("spring.flyway.enabled", Boolean.class, true)) {
			return null;
		}
		return environment.getProperty("spring.flyway.table", DEFAULT_TABLE);
	}

}
