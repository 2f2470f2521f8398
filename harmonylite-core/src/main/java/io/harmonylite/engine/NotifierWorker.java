package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

import io.harmonylite.capture.ChangeNotifier;
import org.jspecify.annotations.Nullable;

/**
 * The change notifier as a worker: a notifier starts only once, so a restart replaces it with a new one.
 */
final class NotifierWorker implements Worker {

	private final Path database;

	private final Duration pollingInterval;

	private final Runnable onChange;

	private volatile @Nullable ChangeNotifier notifier;

	NotifierWorker(Path database, Duration pollingInterval, Runnable onChange) {
		this.database = database;
		this.pollingInterval = pollingInterval;
		this.onChange = onChange;
	}

	@Override
	public String name() {
		return "change-notifier";
	}

	@Override
	public synchronized void start(ThreadFactory threads) {
		ChangeNotifier started = new ChangeNotifier(this.database, this.pollingInterval, this.onChange, threads);
		this.notifier = started;
		started.start();
	}

	@Override
	public synchronized void restart(ThreadFactory threads) {
		closeCurrent();
		start(threads);
	}

	@Override
	public synchronized void stop() {
		closeCurrent();
	}

	private void closeCurrent() {
		ChangeNotifier current = this.notifier;
		this.notifier = null;
		if (current != null) {
			current.close();
		}
	}

}
