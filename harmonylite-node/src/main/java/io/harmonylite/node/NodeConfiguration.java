package io.harmonylite.node;

import io.harmonylite.ConfigException;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Makes {@code harmonylite.db-path} mandatory: a node has no DataSource to derive it from, and without it the engine
 * would silently not start.
 */
@Configuration(proxyBeanMethods = false)
class NodeConfiguration {

	NodeConfiguration(Environment environment) {
		if (!environment.containsProperty("harmonylite.db-path")) {
			throw new ConfigException("harmonylite.db-path",
					"is required by the standalone node: set it to the SQLite file to replicate, such as "
							+ "--db-path /data/app.db or --harmonylite.db-path=/data/app.db");
		}
	}

}
