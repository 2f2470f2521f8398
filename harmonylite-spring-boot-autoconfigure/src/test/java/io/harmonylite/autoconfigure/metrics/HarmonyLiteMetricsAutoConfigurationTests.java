package io.harmonylite.autoconfigure.metrics;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.autoconfigure.HarmonyLiteEngineCustomizer;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
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
			assertThat(context).hasSingleBean(SnapshotMetrics.class);
			assertThat(registry.get(SnapshotMetrics.RESTORES).tag("node_id", "3").functionCounter().count()).isZero();
		});
	}

	@Test
	void runShouldCountTheLagInFourServiceLevelObjectiveBuckets() {
		this.contextRunner.run((context) -> assertThat(lagBuckets(context)).containsExactly(5.0, 50.0, 500.0, 5000.0));
	}

	@Test
	void runWithSloPropertyShouldCountTheLagInItsBuckets() {
		this.contextRunner
			.withPropertyValues("management.metrics.distribution.slo.harmonylite.replication.lag=100ms,1s,10s")
			.run((context) -> assertThat(lagBuckets(context)).containsExactly(100.0, 1000.0, 10000.0));
	}

	private static List<Double> lagBuckets(AssertableApplicationContext context) {
		Timer lag = context.getBean(MeterRegistry.class).get(ApplyMetrics.REPLICATION_LAG).timer();
		return Arrays.stream(lag.takeSnapshot().histogramCounts())
			.map((bucket) -> bucket.bucket(TimeUnit.MILLISECONDS))
			.toList();
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
