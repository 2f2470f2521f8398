package io.harmonylite.autoconfigure.metrics;

import java.nio.file.Path;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.autoconfigure.HarmonyLiteEngineCustomizer;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteMetricsAutoConfiguration}.
 */
class HarmonyLiteMetricsAutoConfigurationTests {

	@TempDir
	static Path dir;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				HarmonyLiteMetricsAutoConfiguration.class))
		.withBean(HarmonyLiteEngine.class, () -> EngineStatuses.unstartedEngine(dir));

	@Test
	void runShouldBindMetersToTheRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HarmonyLiteMetrics.class).hasSingleBean(ApplyMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(HarmonyLiteMetrics.SCHEMA_MISMATCH_PAUSED).tag("node_id", "3").gauge().value())
				.isZero();
			assertThat(registry.find(ApplyMetrics.REPLICATION_LAG).tag("node_id", "3").timer()).isNotNull();
			assertThat(registry.find(HarmonyLiteMetrics.DEAD_LETTERS).tag("node_id", "3").functionCounter()).isNotNull();
		});
	}

	@Test
	void runWithoutMeterRegistryShouldBackOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HarmonyLiteMetricsAutoConfiguration.class))
			.withBean(HarmonyLiteEngine.class, () -> EngineStatuses.unstartedEngine(dir))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HarmonyLiteMetrics.class)
				.doesNotHaveBean(HarmonyLiteEngineCustomizer.class));
	}

	@Test
	void runWithoutEngineShouldBackOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HarmonyLiteMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HarmonyLiteMetrics.class));
	}

	@Test
	void runWhenMicrometerIsAbsentShouldBackOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("harmonyLiteMetrics")
				.doesNotHaveBean("harmonyLiteApplyMetricsCustomizer"));
	}

	@Test
	void runWithUserMetricsShouldBackOff() {
		HarmonyLiteMetrics userMetrics = new HarmonyLiteMetrics(EngineStatuses.unstartedEngine(dir));
		this.contextRunner.withBean("userMetrics", HarmonyLiteMetrics.class, () -> userMetrics)
			.run((context) -> assertThat(context).getBean(HarmonyLiteMetrics.class).isSameAs(userMetrics));
	}

}
