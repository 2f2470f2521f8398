package io.harmonylite.event;

/**
 * The version of a change: a hybrid logical clock value and the node that wrote the change, ordered by the clock
 * value and then by the node id, so that any two versions of different nodes are ordered the same way everywhere.
 * <p>
 * The clock value is {@code epochMillis << 16 | counter}: wall-clock milliseconds with a logical counter in the low 16
 * bits, which keeps versions of one node strictly increasing also within a millisecond or when the clock steps back.
 *
 * @param hlc the hybrid logical clock value, 0 for {@link #ZERO}
 * @param node the id of the node that wrote the change, 0 for {@link #ZERO}
 * @since 0.1.0
 */
public record Version(long hlc, long node) implements Comparable<Version> {

	/** "Unknown": the version of values written before versions existed; it loses to every real version. */
	public static final Version ZERO = new Version(0, 0);

	/** How many low bits of a clock value hold the logical counter. */
	public static final int COUNTER_BITS = 16;

	public Version {
		if (hlc < 0 || node < 0) {
			throw new IllegalArgumentException("A version needs a non-negative clock value and node, was " + hlc + "/"
					+ node);
		}
	}

	/**
	 * The first clock value of a millisecond.
	 * @param epochMillis wall-clock milliseconds
	 * @return {@code epochMillis << 16}
	 */
	public static long hlcOf(long epochMillis) {
		return epochMillis << COUNTER_BITS;
	}

	/**
	 * The wall-clock milliseconds of a clock value.
	 * @param hlc a clock value
	 * @return its milliseconds
	 */
	public static long millisOf(long hlc) {
		return hlc >>> COUNTER_BITS;
	}

	/**
	 * Whether this is {@link #ZERO}.
	 * @return {@code true} for the unknown version
	 */
	public boolean isZero() {
		return this.hlc == 0 && this.node == 0;
	}

	@Override
	public int compareTo(Version other) {
		int byClock = Long.compare(this.hlc, other.hlc);
		return (byClock != 0) ? byClock : Long.compare(this.node, other.node);
	}

	/**
	 * Whether this version is ordered after another.
	 * @param other the other version
	 * @return {@code true} when newer
	 */
	public boolean isAfter(Version other) {
		return compareTo(other) > 0;
	}

	/**
	 * The newer of two versions.
	 * @param a one version
	 * @param b the other
	 * @return the one ordered last
	 */
	public static Version max(Version a, Version b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	@Override
	public String toString() {
		return isZero() ? "ZERO" : this.hlc + "@" + this.node;
	}

}
