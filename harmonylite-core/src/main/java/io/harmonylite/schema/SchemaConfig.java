package io.harmonylite.schema;

import java.time.Duration;

import io.harmonylite.ConfigException;

/**
 * Schema-versioning timings.
 *
 * @param checkInterval how often the cheap DDL check ({@code PRAGMA schema_version}) runs
 * @param recomputeInterval how often the full hash recompute runs as a safety net
 * @param nakDelay how long a message whose schema does not match waits before redelivery
 * @since 0.1.0
 */
public record SchemaConfig(Duration checkInterval, Duration recomputeInterval, Duration nakDelay) {

	public SchemaConfig {
		positive("harmonylite.schema.check-interval", checkInterval);
		positive("harmonylite.schema.recompute-interval", recomputeInterval);
		positive("harmonylite.schema.nak-delay", nakDelay);
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new ConfigException(property, "must be a positive duration (e.g. 500ms, 30s, 5m), was " + value);
		}
	}

	/**
	 * Defaults: check every second, recompute every 5 minutes, redeliver after 30 seconds.
	 * @return the defaults
	 */
	public static SchemaConfig defaults() {
		return new SchemaConfig(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(30));
	}

}
