package io.harmonylite.sample.cli;

import io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.LifecycleProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.support.AbstractApplicationContext;

/**
 * The application context of a one-shot command: the node's configuration, bound by the same auto-configuration as
 * a running node from the same properties, and nothing else. No Flyway (a status command must not migrate), no web
 * server, and a lifecycle processor that starts nothing, so the engine is built but never started.
 * <p>
 * Deliberately not a {@code @Configuration}: the application's component scan must not pick it up.
 */
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, HarmonyLiteAutoConfiguration.class })
class CommandContext {

	@Bean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
	static LifecycleProcessor lifecycleProcessor() {
		return new LifecycleProcessor() {

			@Override
			public void onRefresh() {
			}

			@Override
			public void onClose() {
			}

			@Override
			public void start() {
			}

			@Override
			public void stop() {
			}

			@Override
			public boolean isRunning() {
				return false;
			}

		};
	}

}
