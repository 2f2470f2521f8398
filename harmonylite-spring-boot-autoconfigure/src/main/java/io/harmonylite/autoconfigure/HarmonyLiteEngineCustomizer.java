package io.harmonylite.autoconfigure;

import io.harmonylite.engine.HarmonyLiteEngine;

/**
 * Callback that adjusts the auto-configured {@link HarmonyLiteEngine} before it is built, for example to set a
 * {@link java.time.Clock}. Beans of this type are applied in {@link org.springframework.core.annotation.Order order}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface HarmonyLiteEngineCustomizer {

	/**
	 * Customizes the engine builder.
	 * @param builder the builder, already holding the configuration from {@code harmonylite.*}
	 */
	void customize(HarmonyLiteEngine.Builder builder);

}
