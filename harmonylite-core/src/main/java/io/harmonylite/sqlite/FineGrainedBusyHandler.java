package io.harmonylite.sqlite;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.sqlite.BusyHandler;

/**
 * Waits for another writer in short steps instead of SQLite's default busy timeout, which sleeps 1, 2, 5, 10 … up to
 * 100 ms between attempts: a connection waiting for a lock held a few hundred microseconds retries within tens of
 * microseconds, which keeps replication latency low when the application, the publisher and the applier write the
 * same file. Gives up (SQLITE_BUSY) after the timeout, like {@code busy_timeout}.
 */
final class FineGrainedBusyHandler extends BusyHandler {

	private static final long FIRST_WAIT_NANOS = 20_000;

	private static final long MAX_WAIT_NANOS = 2_000_000;

	private final long timeoutNanos;

	private long waitingSince;

	FineGrainedBusyHandler(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	@Override
	protected int callback(int previousAttempts) {
		long now = System.nanoTime();
		if (previousAttempts == 0) {
			this.waitingSince = now;
		}
		if (now - this.waitingSince > this.timeoutNanos) {
			return 0;
		}
		long wait = Math.min(MAX_WAIT_NANOS, FIRST_WAIT_NANOS << Math.min(previousAttempts / 8, 10));
		LockSupport.parkNanos(wait);
		return 1;
	}

}
