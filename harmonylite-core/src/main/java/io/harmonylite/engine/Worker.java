package io.harmonylite.engine;

import java.util.concurrent.ThreadFactory;

/**
 * A long-lived part of a running node with threads of its own, started and watched by {@link Workers}.
 */
interface Worker {

	/**
	 * The worker's name in the status and the logs, e.g. {@code apply}.
	 * @return the name
	 */
	String name();

	/**
	 * Starts the worker's threads, made by the given factory so that a thread's death is seen.
	 * @param threads the thread factory
	 */
	void start(ThreadFactory threads);

	/**
	 * Starts the worker again after one of its threads died.
	 * @param threads the thread factory
	 */
	default void restart(ThreadFactory threads) {
		start(threads);
	}

	/**
	 * Stops the worker and waits for its threads.
	 * @throws InterruptedException if interrupted while waiting
	 */
	void stop() throws InterruptedException;

}
