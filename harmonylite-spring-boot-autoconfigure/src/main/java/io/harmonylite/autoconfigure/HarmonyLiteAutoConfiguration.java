package io.harmonylite.autoconfigure;

import java.nio.file.Path;

import javax.sql.DataSource;

import io.harmonylite.ConfigException;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.snapshot.RestoreMode;
import io.harmonylite.snapshot.SnapshotStoreType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@link HarmonyLiteEngine} for an application with a SQLite
 * {@link DataSource} or {@code harmonylite.db-path}; the engine starts and stops with the application context (unless
 * {@code harmonylite.auto-startup=false}). The engine takes its database's lock as it is created, so an application
 * whose database a node already runs on fails before its migrations change the file. When Flyway or Liquibase runs,
 * the tables holding their own history are never replicated.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration" })
@ConditionalOnClass(HarmonyLiteEngine.class)
@ConditionalOnBooleanProperty(name = "harmonylite.enabled", matchIfMissing = true)
@Conditional(OnDatabaseCondition.class)
@EnableConfigurationProperties(HarmonyLiteProperties.class)
public final class HarmonyLiteAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(HarmonyLiteAutoConfiguration.class);

	@Bean
	@ConfigurationPropertiesBinding
	static EnumPropertyConverter<RestoreMode> harmonyLiteRestoreModeConverter() {
		return new EnumPropertyConverter<>(RestoreMode.class);
	}

	@Bean
	@ConfigurationPropertiesBinding
	static EnumPropertyConverter<SnapshotStoreType> harmonyLiteSnapshotStoreTypeConverter() {
		return new EnumPropertyConverter<>(SnapshotStoreType.class);
	}

	@Bean
	@ConditionalOnMissingBean(NatsConnectionDetails.class)
	PropertiesNatsConnectionDetails harmonyLiteNatsConnectionDetails(HarmonyLiteProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		return new PropertiesNatsConnectionDetails(properties, sslBundles.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	HarmonyLiteEngine harmonyLiteEngine(HarmonyLiteProperties properties, NatsConnectionDetails natsConnectionDetails,
			ObjectProvider<DataSource> dataSource, ObjectProvider<HarmonyLiteEngineCustomizer> customizers,
			Environment environment) {
		HarmonyLiteConfig config = EngineConfigMapper.map(properties, natsConnectionDetails,
				dbPath(properties, dataSource), MigrationTool.allHistoryTables(environment));
		HarmonyLiteEngine.Builder builder = HarmonyLiteEngine.builder(config);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		HarmonyLiteEngine engine = builder.build();
		if (properties.isAutoStartup()) {
			// Now, before Flyway or Liquibase (which need the engine) touch the file: a second node on it fails here.
			engine.acquireLock();
		}
		return engine;
	}

	@Bean
	@ConditionalOnMissingBean
	EngineStartStopLifecycle harmonyLiteEngineStartStopLifecycle(HarmonyLiteEngine engine,
			HarmonyLiteProperties properties) {
		return new EngineStartStopLifecycle(engine, properties.isAutoStartup());
	}

	@Bean
	@ConditionalOnMissingBean
	MigrationVersionReader harmonyLiteMigrationVersionReader(ObjectProvider<DataSource> dataSource,
			Environment environment, ResourceLoader resourceLoader) {
		return new MigrationVersionReader(dataSource, environment, resourceLoader.getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	MigrationDiagnostics harmonyLiteMigrationDiagnostics(HarmonyLiteEngine engine, ApplicationContext context) {
		return new MigrationDiagnostics(engine, context);
	}

	static Path dbPath(HarmonyLiteProperties properties, ObjectProvider<DataSource> dataSource) {
		Path dbPath = properties.getDbPath();
		if (dbPath != null) {
			DataSource unique = dataSource.getIfUnique();
			Path written = (unique != null) ? SqliteDataSourcePath.fileOf(unique) : null;
			if (written != null && !SqliteDataSourcePath.sameFile(written, dbPath.toAbsolutePath())) {
				logger.warn("harmonylite.db-path is {}, but the application's SQLite DataSource (spring.datasource.url) "
						+ "writes {}: the application's own writes are not replicated. Remove harmonylite.db-path to "
						+ "replicate the DataSource's file, or correct it, unless another program writes {}",
						dbPath.toAbsolutePath(), written, dbPath.toAbsolutePath());
			}
			return dbPath.toAbsolutePath();
		}
		DataSource unique = dataSource.getIfUnique();
		if (unique == null) {
			throw new ConfigException("harmonylite.db-path",
					"is required because the application has several DataSources and none is primary; "
							+ "set it to the SQLite file to replicate");
		}
		return SqliteDataSourcePath.resolve(unique);
	}

}
