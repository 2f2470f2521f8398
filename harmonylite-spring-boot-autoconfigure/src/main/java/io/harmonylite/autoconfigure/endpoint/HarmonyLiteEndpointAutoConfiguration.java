package io.harmonylite.autoconfigure.endpoint;

import io.harmonylite.engine.HarmonyLiteEngine;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@link HarmonyLiteEndpoint}, when it is available (enabled and
 * exposed), with its write operations ({@link HarmonyLiteOperation} beans: pause and resume a shard, show and skip
 * the message a shard waits on, uninstall capture) and its web extension, which answers them with their HTTP statuses.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration")
@ConditionalOnClass({ HarmonyLiteEngine.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(HarmonyLiteEngine.class)
@ConditionalOnAvailableEndpoint(HarmonyLiteEndpoint.class)
public final class HarmonyLiteEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HarmonyLiteEndpoint harmonyLiteEndpoint(HarmonyLiteEngine engine, ObjectProvider<HarmonyLiteOperation> operations) {
		return new HarmonyLiteEndpoint(engine, operations.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(HarmonyLiteEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	HarmonyLiteEndpointWebExtension harmonyLiteEndpointWebExtension(HarmonyLiteEndpoint endpoint) {
		return new HarmonyLiteEndpointWebExtension(endpoint);
	}

	@Bean
	@ConditionalOnMissingBean
	PauseShardOperation harmonyLitePauseShardOperation(HarmonyLiteEngine engine) {
		return new PauseShardOperation(engine);
	}

	@Bean
	@ConditionalOnMissingBean
	ResumeShardOperation harmonyLiteResumeShardOperation(HarmonyLiteEngine engine) {
		return new ResumeShardOperation(engine);
	}

	@Bean
	@ConditionalOnMissingBean
	SkipBlockedMessageOperation harmonyLiteSkipBlockedMessageOperation(HarmonyLiteEngine engine) {
		return new SkipBlockedMessageOperation(engine);
	}

	@Bean
	@ConditionalOnMissingBean
	SkipBlockedMessageOperation.Show harmonyLiteShowBlockedMessageOperation(HarmonyLiteEngine engine) {
		return new SkipBlockedMessageOperation.Show(engine);
	}

	@Bean
	@ConditionalOnMissingBean
	ReapplyDeadLettersOperation harmonyLiteReapplyDeadLettersOperation(HarmonyLiteEngine engine) {
		return new ReapplyDeadLettersOperation(engine);
	}

	@Bean
	@ConditionalOnMissingBean
	ReapplyDeadLettersOperation.Listing harmonyLiteListDeadLettersOperation(HarmonyLiteEngine engine) {
		return new ReapplyDeadLettersOperation.Listing(engine);
	}

	@Bean
	@ConditionalOnMissingBean
	UninstallCaptureOperation harmonyLiteUninstallCaptureOperation(HarmonyLiteEngine engine) {
		return new UninstallCaptureOperation(engine);
	}

}
