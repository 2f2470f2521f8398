package io.harmonylite.conflict;

import java.time.Duration;

import io.harmonylite.ConfigException;

/**
 * How a node versions its own changes and judges the versions it receives.
 *
 * @param nodeId this node's id, the tie-break of its versions; 0 when the database has no change capture, so there are
 * no local changes to record
 * @param maxClockSkew how far ahead of this node's clock a version may be: local versions are bounded to it, and
 * received versions beyond it are applied but counted and logged
 * @since 0.1.0
 */
public record ConflictSettings(long nodeId, Duration maxClockSkew) {

	/** The property that configures {@link #maxClockSkew()}. */
	public static final String MAX_CLOCK_SKEW_PROPERTY = "harmonylite.replication.max-clock-skew";

	/** The default maximum clock skew. */
	public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(10);

	public ConflictSettings {
		if (nodeId < 0) {
			throw new IllegalArgumentException("The node id must not be negative, was " + nodeId);
		}
		checkMaxClockSkew(maxClockSkew);
	}

	/**
	 * Validates a maximum clock skew.
	 * @param maxClockSkew the value
	 * @throws ConfigException naming {@value #MAX_CLOCK_SKEW_PROPERTY} when it is not a positive duration of at most
	 * a day
	 */
	public static void checkMaxClockSkew(Duration maxClockSkew) {
		if (maxClockSkew == null || maxClockSkew.isNegative() || maxClockSkew.isZero()
				|| maxClockSkew.compareTo(Duration.ofDays(1)) > 0) {
			throw new ConfigException(MAX_CLOCK_SKEW_PROPERTY,
					"must be a positive duration of at most 1d (e.g. 500ms, 10s), was " + maxClockSkew);
		}
	}

	/**
	 * Settings for applying changes to a database without change capture (no local changes to record).
	 * @return settings with node 0 and the default skew
	 */
	public static ConflictSettings applyOnly() {
		return new ConflictSettings(0, DEFAULT_MAX_CLOCK_SKEW);
	}

	/**
	 * Whether this node records local changes.
	 * @return {@code true} when a node id is set
	 */
	public boolean recordsLocalChanges() {
		return this.nodeId > 0;
	}

}
