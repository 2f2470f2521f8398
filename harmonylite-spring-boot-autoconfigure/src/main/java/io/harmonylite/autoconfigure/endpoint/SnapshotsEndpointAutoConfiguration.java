package io.harmonylite.autoconfigure.endpoint;

import io.harmonylite.engine.HarmonyLiteEngine;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@link SnapshotsEndpoint} and its web extension, when the
 * endpoint is available (enabled and exposed).
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration")
@ConditionalOnClass({ HarmonyLiteEngine.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(HarmonyLiteEngine.class)
@ConditionalOnAvailableEndpoint(SnapshotsEndpoint.class)
public final class SnapshotsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SnapshotsEndpoint harmonyLiteSnapshotsEndpoint(HarmonyLiteEngine engine) {
		return new SnapshotsEndpoint(engine);
	}

	@Bean
	@ConditionalOnMissingBean
	SnapshotsEndpointWebExtension harmonyLiteSnapshotsEndpointWebExtension(SnapshotsEndpoint endpoint) {
		return new SnapshotsEndpointWebExtension(endpoint);
	}

}
