package io.harmonylite.autoconfigure.liquibase;

import io.harmonylite.engine.HarmonyLiteEngine;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@link LiquibaseMigrationPostProcessor}, which wraps the
 * update of every {@link SpringLiquibase} bean, such as the one of Spring Boot's Liquibase auto-configuration. The
 * engine is created before the first update, so it exists before the migrations run.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration")
@ConditionalOnClass({ HarmonyLiteEngine.class, SpringLiquibase.class })
@ConditionalOnBean(HarmonyLiteEngine.class)
public final class HarmonyLiteLiquibaseAutoConfiguration {

	// Static: a post-processor is created before the other beans and must not pull the engine in early.
	@Bean
	@ConditionalOnMissingBean
	static LiquibaseMigrationPostProcessor harmonyLiteLiquibaseMigrationPostProcessor(
			ObjectProvider<HarmonyLiteEngine> engine) {
		return new LiquibaseMigrationPostProcessor(engine);
	}

}
