package io.harmonylite.autoconfigure;

import java.util.Locale;

import io.harmonylite.ConfigException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by an invalid {@code harmonylite.*} property.
 */
class ConfigExceptionFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConfigException cause) {
		String property = cause.property();
		String description = "HarmonyLite could not start because of an invalid configuration property.\n\n"
				+ "    Property: " + property + "\n    Reason: " + reason(cause);
		String action = "Update your application's configuration: set '" + property
				+ "' to a valid value (in application.properties or application.yml, as --" + property
				+ "=... on the command line, or as the environment variable " + environmentVariable(property)
				+ "). The HarmonyLite configuration reference (docs/configuration.md) lists every property.";
		return new FailureAnalysis(description, action, cause);
	}

	private static String reason(ConfigException cause) {
		String message = String.valueOf(cause.getMessage());
		String prefix = "Invalid configuration property '" + cause.property() + "': ";
		return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
	}

	private static String environmentVariable(String property) {
		return property.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", "");
	}

}
