package io.harmonylite.autoconfigure.health;

import io.harmonylite.engine.HarmonyLiteEngine;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@code harmonylite} health contributor
 * ({@link HarmonyLiteHealthIndicator}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration")
@ConditionalOnClass({ HarmonyLiteEngine.class, HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(HarmonyLiteEngine.class)
@ConditionalOnEnabledHealthIndicator("harmonylite")
public final class HarmonyLiteHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "harmonyliteHealthIndicator")
	HarmonyLiteHealthIndicator harmonyliteHealthIndicator(HarmonyLiteEngine engine) {
		return new HarmonyLiteHealthIndicator(engine);
	}

}
