package io.harmonylite.sample;

import io.harmonylite.ConfigException;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

/**
 * Makes {@code harmonylite.db-path} mandatory in the {@code node} profile: a node has no DataSource to derive it from,
 * and without it the engine would silently not start.
 */
@Configuration(proxyBeanMethods = false)
@Profile(HarmonyLiteSampleApplication.NODE_PROFILE)
class NodeModeConfiguration {

	NodeModeConfiguration(Environment environment) {
		if (!environment.containsProperty("harmonylite.db-path")) {
			throw new ConfigException("harmonylite.db-path",
					"is required in node mode: set it to the SQLite file to replicate, such as "
							+ "--harmonylite.db-path=/data/app.db");
		}
	}

}
