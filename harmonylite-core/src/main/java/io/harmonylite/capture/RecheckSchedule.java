package io.harmonylite.capture;

import java.time.Duration;

/**
 * When the change notifier looks at {@code PRAGMA data_version} again after a file event. A writer's {@code -wal} file
 * is written (and synced) before its commit becomes visible in the shared-memory index, which raises no file event, so
 * the commit behind an event may only show a little later: 0.2 to a few ms for another process's synced commit.
 * <p>
 * Until a change has been seen since the last event, the rechecks come every 0.25 ms for the first 2 ms, then at
 * doubling intervals up to about half a second. Once a change has been seen, one more look follows (a second commit may
 * be right behind it) and the rechecks end: most events are the node's own quick commits, whose change the first look
 * already finds, and each look is a query. Times are {@link System#nanoTime()} values; not thread-safe (one notifier
 * thread uses it).
 */
final class RecheckSchedule {

	static final Duration FIRST = Duration.ofNanos(250_000);

	static final Duration STEADY = Duration.ofMillis(2);

	static final Duration LAST = Duration.ofMillis(512);

	/** The current interval; 0 when no recheck is scheduled. */
	private long delay;

	private long at;

	private long eventAt;

	private boolean seen;

	/**
	 * A file event was handled.
	 * @param now when
	 * @param changed whether the look made for it found a change
	 */
	void fileEvent(long now, boolean changed) {
		this.eventAt = now;
		this.seen = changed;
		schedule(now, FIRST.toNanos());
	}

	/**
	 * A look was made that was not for a file event (a recheck, a signal or the poll).
	 * @param now when
	 * @param changed whether it found a change
	 */
	void looked(long now, boolean changed) {
		if (this.delay == 0 || now - this.at < 0) {
			return;
		}
		if (changed) {
			this.seen = true;
			schedule(now, FIRST.toNanos());
		}
		else if (this.seen || this.delay >= LAST.toNanos()) {
			this.delay = 0;
		}
		else {
			schedule(now, (now - this.eventAt < STEADY.toNanos()) ? this.delay : this.delay * 2);
		}
	}

	/**
	 * When to look next.
	 * @param otherwise the next look that is due anyway (the poll)
	 * @return the earlier of the next recheck and {@code otherwise}
	 */
	long nextAt(long otherwise) {
		return (this.delay > 0 && this.at - otherwise < 0) ? this.at : otherwise;
	}

	private void schedule(long now, long delay) {
		this.delay = delay;
		this.at = now + delay;
	}

}
