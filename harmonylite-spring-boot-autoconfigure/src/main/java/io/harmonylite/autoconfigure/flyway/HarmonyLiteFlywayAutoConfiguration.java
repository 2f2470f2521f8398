package io.harmonylite.autoconfigure.flyway;

import io.harmonylite.engine.HarmonyLiteEngine;
import org.flywaydb.core.Flyway;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the Flyway {@link SchemaMigrationCallback}, which Spring Boot's
 * Flyway auto-configuration adds to its {@link Flyway} bean. Creating the callback creates the engine, so the engine
 * exists before the migrations run.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration")
@ConditionalOnClass({ HarmonyLiteEngine.class, Flyway.class })
@ConditionalOnBean(HarmonyLiteEngine.class)
public final class HarmonyLiteFlywayAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SchemaMigrationCallback harmonyLiteSchemaMigrationCallback(HarmonyLiteEngine engine) {
		return new SchemaMigrationCallback(engine);
	}

}
