package io.harmonylite.schema;

import java.time.Duration;

import io.harmonylite.ConfigException;

/**
 * Schema-versioning timings.
 *
 * @param checkInterval how often the cheap DDL check ({@code PRAGMA schema_version}) runs
 * @param recomputeInterval how often the full hash recompute runs as a safety net
 * @param nakDelay how long a message whose schema does not match waits before redelivery
 * @param unknownHashQuarantine how long a shard waits for a schema hash that no node in the registry has ever
 * reported before the message carrying it is quarantined (dead-lettered) so the shard goes on
 * @since 0.1.0
 */
public record SchemaConfig(Duration checkInterval, Duration recomputeInterval, Duration nakDelay,
		Duration unknownHashQuarantine) {

	/** The property of {@link #unknownHashQuarantine()}. */
	public static final String UNKNOWN_HASH_QUARANTINE_PROPERTY = "harmonylite.schema.unknown-hash-quarantine";

	/** The default of {@link #unknownHashQuarantine()}. */
	public static final Duration DEFAULT_UNKNOWN_HASH_QUARANTINE = Duration.ofSeconds(60);

	public SchemaConfig {
		positive("harmonylite.schema.check-interval", checkInterval);
		positive("harmonylite.schema.recompute-interval", recomputeInterval);
		positive("harmonylite.schema.nak-delay", nakDelay);
		positive(UNKNOWN_HASH_QUARANTINE_PROPERTY, unknownHashQuarantine);
	}

	/**
	 * Timings with the default quarantine of unknown schema hashes.
	 * @param checkInterval how often the cheap DDL check runs
	 * @param recomputeInterval how often the full hash recompute runs
	 * @param nakDelay how long a message whose schema does not match waits before redelivery
	 */
	public SchemaConfig(Duration checkInterval, Duration recomputeInterval, Duration nakDelay) {
		this(checkInterval, recomputeInterval, nakDelay, DEFAULT_UNKNOWN_HASH_QUARANTINE);
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new ConfigException(property, "must be a positive duration (e.g. 500ms, 30s, 5m), was " + value);
		}
	}

	/**
	 * Defaults: check every second, recompute every 5 minutes, redeliver after 30 seconds, quarantine a hash no node
	 * ever reported after 60 seconds.
	 * @return the defaults
	 */
	public static SchemaConfig defaults() {
		return new SchemaConfig(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(30));
	}

}
