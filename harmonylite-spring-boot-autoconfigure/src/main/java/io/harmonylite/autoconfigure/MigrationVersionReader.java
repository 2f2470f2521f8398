package io.harmonylite.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

/**
 * Gives the engine the application's migration version, read from the history table of the active migration tool
 * through the application's DataSource, so that the node publishes it next to its schema hash.
 */
class MigrationVersionReader implements HarmonyLiteEngineCustomizer {

	private final ObjectProvider<DataSource> dataSource;

	private final Environment environment;

	private final @Nullable ClassLoader classLoader;

	MigrationVersionReader(ObjectProvider<DataSource> dataSource, Environment environment,
			@Nullable ClassLoader classLoader) {
		this.dataSource = dataSource;
		this.environment = environment;
		this.classLoader = classLoader;
	}

	@Override
	public void customize(HarmonyLiteEngine.Builder builder) {
		builder.migrationVersion(this::read);
	}

	/**
	 * The last migration applied by the first active tool that has run on the database.
	 * @return e.g. {@code flyway:3}, or {@code null} when no tool has run or the application has no DataSource
	 */
	@Nullable String read() {
		DataSource unique = this.dataSource.getIfUnique();
		if (unique == null) {
			return null;
		}
		try (Connection connection = unique.getConnection()) {
			for (MigrationTool tool : MigrationTool.values()) {
				if (tool.isActive(this.environment, this.classLoader)) {
					String version = tool.currentVersion(connection, this.environment);
					if (version != null) {
						return version;
					}
				}
			}
			return null;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the migration history: " + ex.getMessage(), ex);
		}
	}

}
