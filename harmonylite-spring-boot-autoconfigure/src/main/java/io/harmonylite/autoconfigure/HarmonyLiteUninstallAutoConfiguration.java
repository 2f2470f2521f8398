package io.harmonylite.autoconfigure;

import javax.sql.DataSource;

import io.harmonylite.engine.HarmonyLiteEngine;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * {@link AutoConfiguration Auto-configuration} that uninstalls change capture from the database at startup when
 * HarmonyLite is disabled ({@code harmonylite.enabled=false}) and {@code harmonylite.uninstall-when-disabled=true};
 * Flyway and Liquibase migrate only afterwards, so triggers can never hold a migration back.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		beforeName = { "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration" })
@ConditionalOnClass(HarmonyLiteEngine.class)
@ConditionalOnBooleanProperty(name = "harmonylite.enabled", havingValue = false)
@ConditionalOnBooleanProperty(name = "harmonylite.uninstall-when-disabled")
@Conditional(OnDatabaseCondition.class)
@EnableConfigurationProperties(HarmonyLiteProperties.class)
public final class HarmonyLiteUninstallAutoConfiguration {

	static final String REMOVER = "harmonyLiteDisabledCaptureRemover";

	@Bean(REMOVER)
	@ConditionalOnMissingBean
	DisabledCaptureRemover harmonyLiteDisabledCaptureRemover(HarmonyLiteProperties properties,
			ObjectProvider<DataSource> dataSource) {
		return new DisabledCaptureRemover(HarmonyLiteAutoConfiguration.dbPath(properties, dataSource));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(FlywayMigrationInitializer.class)
	static class FlywayAfterRemoval {

		@Bean
		static FlywayMigrationAfterRemoval harmonyLiteFlywayMigrationAfterRemoval() {
			return new FlywayMigrationAfterRemoval();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpringLiquibase.class)
	static class LiquibaseAfterRemoval {

		@Bean
		static LiquibaseUpdateAfterRemoval harmonyLiteLiquibaseUpdateAfterRemoval() {
			return new LiquibaseUpdateAfterRemoval();
		}

	}

	/**
	 * Makes Flyway's migration wait for the removal.
	 */
	static final class FlywayMigrationAfterRemoval extends AbstractDependsOnBeanFactoryPostProcessor {

		FlywayMigrationAfterRemoval() {
			super(FlywayMigrationInitializer.class, REMOVER);
		}

	}

	/**
	 * Makes Liquibase's update wait for the removal.
	 */
	static final class LiquibaseUpdateAfterRemoval extends AbstractDependsOnBeanFactoryPostProcessor {

		LiquibaseUpdateAfterRemoval() {
			super(SpringLiquibase.class, REMOVER);
		}

	}

}
