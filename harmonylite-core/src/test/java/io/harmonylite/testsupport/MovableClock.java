package io.harmonylite.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until the test moves it.
 */
public final class MovableClock extends Clock {

	private volatile Instant now;

	/**
	 * Creates a clock standing at the given instant.
	 * @param now where it stands
	 */
	public MovableClock(Instant now) {
		this.now = now;
	}

	/**
	 * Moves the clock forward.
	 * @param by how far
	 */
	public void move(Duration by) {
		this.now = this.now.plus(by);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

}
