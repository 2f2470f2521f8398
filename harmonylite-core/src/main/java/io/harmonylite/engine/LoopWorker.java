package io.harmonylite.engine;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

import org.jspecify.annotations.Nullable;

/**
 * A worker that runs one loop on one thread, such as the apply loop or the publisher. A loop that returns although it
 * was not stopped has died as surely as one ended by an {@link Error}, so that is reported too.
 */
final class LoopWorker implements Worker {

	private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

	private final String name;

	private final Runnable loop;

	private final Runnable stopSignal;

	private final Runnable afterRestart;

	private volatile boolean stopped;

	private volatile @Nullable Thread thread;

	/**
	 * Creates the worker.
	 * @param name the worker's name
	 * @param loop the loop; restarted on a new thread after it died
	 * @param stopSignal asks the loop to return
	 * @param afterRestart runs once the loop runs again after a death, e.g. to redeliver what it held
	 */
	LoopWorker(String name, Runnable loop, Runnable stopSignal, Runnable afterRestart) {
		this.name = name;
		this.loop = loop;
		this.stopSignal = stopSignal;
		this.afterRestart = afterRestart;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public void start(ThreadFactory threads) {
		Thread started = threads.newThread(this::runLoop);
		this.thread = started;
		started.start();
	}

	private void runLoop() {
		this.loop.run();
		if (!this.stopped) {
			throw new IllegalStateException("The " + this.name + " loop returned although it was not stopped");
		}
	}

	@Override
	public void restart(ThreadFactory threads) {
		start(threads);
		this.afterRestart.run();
	}

	@Override
	public void stop() throws InterruptedException {
		this.stopped = true;
		this.stopSignal.run();
		Thread current = this.thread;
		if (current != null && current != Thread.currentThread()) {
			current.join(JOIN_TIMEOUT.toMillis());
		}
	}

}
