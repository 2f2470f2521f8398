package io.harmonylite.autoconfigure.metrics;

import io.harmonylite.autoconfigure.HarmonyLiteEngineCustomizer;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the HarmonyLite meters: {@link HarmonyLiteMetrics}, read from the
 * node's status, and the apply side's distributions, fed by an {@link io.harmonylite.apply.ApplyListener} registered
 * on the engine builder.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ HarmonyLiteEngine.class, MeterRegistry.class })
@ConditionalOnBean({ HarmonyLiteEngine.class, MeterRegistry.class })
public final class HarmonyLiteMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ApplyMetrics harmonyLiteApplyMetrics() {
		return new ApplyMetrics();
	}

	@Bean
	HarmonyLiteEngineCustomizer harmonyLiteApplyMetricsCustomizer(ApplyMetrics applyMetrics) {
		return (builder) -> builder.applyListener(applyMetrics);
	}

	@Bean
	@ConditionalOnMissingBean
	HarmonyLiteMetrics harmonyLiteMetrics(HarmonyLiteEngine engine, ApplyMetrics applyMetrics) {
		// The listener has no dependencies, so the engine is built with it before these meters need the engine.
		return new HarmonyLiteMetrics(engine, applyMetrics);
	}

}
