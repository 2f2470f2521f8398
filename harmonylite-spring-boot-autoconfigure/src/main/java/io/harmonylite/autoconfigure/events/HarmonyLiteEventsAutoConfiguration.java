package io.harmonylite.autoconfigure.events;

import io.harmonylite.autoconfigure.HarmonyLiteEngineCustomizer;
import io.harmonylite.autoconfigure.HarmonyLiteProperties;
import io.harmonylite.engine.HarmonyLiteEngine;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} that publishes the changes of other nodes, once committed here, as
 * {@link ReplicatedChangeEvent}s: a listener registered on the engine builder through a
 * {@link HarmonyLiteEngineCustomizer}, with the queue capacity of {@code harmonylite.events.queue-capacity}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration")
@ConditionalOnClass(HarmonyLiteEngine.class)
@ConditionalOnBean(HarmonyLiteEngine.class)
@ConditionalOnBooleanProperty(name = "harmonylite.events.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HarmonyLiteProperties.class)
public final class HarmonyLiteEventsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ApplicationEventChangeListener harmonyLiteApplicationEventChangeListener(ApplicationEventPublisher publisher) {
		return new ApplicationEventChangeListener(publisher);
	}

	@Bean
	@ConditionalOnMissingBean(name = "harmonyLiteApplicationEventCustomizer")
	HarmonyLiteEngineCustomizer harmonyLiteApplicationEventCustomizer(ApplicationEventChangeListener listener,
			HarmonyLiteProperties properties) {
		// The listener needs only the publisher, so the engine is built with it.
		return (builder) -> builder.replicatedChangeListener(listener)
			.replicatedChangeQueueCapacity(properties.getEvents().getQueueCapacity());
	}

}
