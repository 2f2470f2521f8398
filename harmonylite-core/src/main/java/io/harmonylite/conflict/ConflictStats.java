package io.harmonylite.conflict;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the conflict rule on one node, safe to share between the threads that record and apply changes.
 *
 * @since 0.1.0
 */
public final class ConflictStats {

	private final LongAdder superseded = new LongAdder();

	private final LongAdder aheadOfClock = new LongAdder();

	private final LongAdder clamped = new LongAdder();

	/**
	 * Received changes that lost on every column to what the node already had (older changes, and the node's own
	 * changes coming back from the stream), so nothing was written.
	 * @return the count since the node started
	 */
	public long superseded() {
		return this.superseded.sum();
	}

	/**
	 * Received changes whose version was more than the maximum clock skew ahead of this node's clock: applied, but a
	 * sign that a node's clock is wrong.
	 * @return the count since the node started
	 */
	public long aheadOfClock() {
		return this.aheadOfClock.sum();
	}

	/**
	 * Local changes whose version was bounded to this node's clock plus the maximum skew, because the process that
	 * wrote them had a clock too far ahead.
	 * @return the count since the node started
	 */
	public long clampedLocalVersions() {
		return this.clamped.sum();
	}

	void superseded(int count) {
		this.superseded.add(count);
	}

	void aheadOfClock(int count) {
		this.aheadOfClock.add(count);
	}

	void clamped(int count) {
		this.clamped.add(count);
	}

}
