package io.harmonylite.autoconfigure.metrics;

import io.harmonylite.autoconfigure.HarmonyLiteEngineCustomizer;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the HarmonyLite meters: {@link HarmonyLiteMetrics} for the node's
 * state, and an {@link io.harmonylite.apply.ApplyListener} registered on the engine builder for the apply side.
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
	HarmonyLiteMetrics harmonyLiteMetrics(HarmonyLiteEngine engine) {
		return new HarmonyLiteMetrics(engine);
	}

	@Bean
	@ConditionalOnMissingBean
	ApplyMetrics harmonyLiteApplyMetrics(ObjectProvider<HarmonyLiteEngine> engine) {
		// Lazy: the engine is built with this listener, so it exists only when the meters are bound.
		return new ApplyMetrics(() -> engine.getObject().config().nodeId());
	}

	@Bean
	HarmonyLiteEngineCustomizer harmonyLiteApplyMetricsCustomizer(ApplyMetrics applyMetrics) {
		return (builder) -> builder.applyListener(applyMetrics);
	}

}
