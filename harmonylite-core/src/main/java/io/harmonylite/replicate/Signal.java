package io.harmonylite.replicate;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A wake-up flag: {@link #raise()} from any thread, {@link #await(Duration)} in one worker; raises coalesce.
 *
 * @since 0.1.0
 */
public final class Signal {

	private final Semaphore permits = new Semaphore(0);

	/**
	 * Wakes the waiting worker, or makes its next wait return at once.
	 */
	public void raise() {
		if (this.permits.availablePermits() == 0) {
			this.permits.release();
		}
	}

	/**
	 * Waits until raised or the timeout passes, then clears the flag.
	 * @param timeout the longest wait
	 * @return whether it was raised
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean await(Duration timeout) throws InterruptedException {
		boolean raised = this.permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
		this.permits.drainPermits();
		return raised;
	}

}
