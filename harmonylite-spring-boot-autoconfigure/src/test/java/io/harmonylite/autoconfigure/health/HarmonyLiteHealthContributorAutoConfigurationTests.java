package io.harmonylite.autoconfigure.health;

import java.nio.file.Path;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteHealthContributorAutoConfiguration}.
 */
class HarmonyLiteHealthContributorAutoConfigurationTests {

	@TempDir
	static Path dir;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HarmonyLiteHealthContributorAutoConfiguration.class))
		.withBean(HarmonyLiteEngine.class, () -> EngineStatuses.unstartedEngine(dir));

	@Test
	void runShouldCreateIndicatorNamedHarmonylite() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HarmonyLiteHealthIndicator.class);
			assertThat(context).hasBean("harmonyliteHealthIndicator");
		});
	}

	@Test
	void runWhenIndicatorDisabledShouldNotCreateIt() {
		this.contextRunner.withPropertyValues("management.health.harmonylite.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HarmonyLiteHealthIndicator.class));
	}

	@Test
	void runWhenDefaultsDisabledShouldNotCreateIt() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HarmonyLiteHealthIndicator.class));
	}

	@Test
	void runWithoutEngineShouldNotCreateIt() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HarmonyLiteHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HarmonyLiteHealthIndicator.class));
	}

	@Test
	void runWhenHealthSupportIsAbsentShouldNotCreateIt() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("harmonyliteHealthIndicator"));
	}

	@Test
	void runWithUserIndicatorShouldBackOff() {
		HealthIndicator userIndicator = () -> org.springframework.boot.health.contributor.Health.up().build();
		this.contextRunner.withBean("harmonyliteHealthIndicator", HealthIndicator.class, () -> userIndicator)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(HarmonyLiteHealthIndicator.class);
				assertThat(context).getBean("harmonyliteHealthIndicator").isSameAs(userIndicator);
			});
	}

}
