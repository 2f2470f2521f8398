package io.harmonylite.engine;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.replicate.Signal;

/**
 * The change notifier's listener on a publishing node. Every change of the database is told to whoever waits for one
 * (a migration in progress), but the publisher is woken only when the change log holds a change it was not told of:
 * the node's own apply batches, the marks of published changes and the recording of versions commit too, and each of
 * them woke the publisher for nothing, on every node, for every replicated change.
 * <p>
 * The notifier reads {@code PRAGMA data_version} before calling it, so a change captured after this listener read the
 * log calls it again.
 */
final class CaptureWake implements Runnable {

	private final ChangeLogReader log;

	private final Runnable publisher;

	private final Signal databaseChanged;

	private long told = -1;

	/**
	 * Creates the listener.
	 * @param log the change log, on a connection of its own (the listener runs on the notifier's thread)
	 * @param publisher wakes the publisher
	 * @param databaseChanged raised on every change
	 */
	CaptureWake(ChangeLogReader log, Runnable publisher, Signal databaseChanged) {
		this.log = log;
		this.publisher = publisher;
		this.databaseChanged = databaseChanged;
	}

	@Override
	public synchronized void run() {
		this.databaseChanged.raise();
		long last;
		try {
			last = this.log.lastChangeId();
		}
		catch (HarmonyLiteException ex) {
			// Cannot tell: wake it, it reads the log itself.
			last = -1;
		}
		if (last < 0 || last != this.told) {
			this.told = last;
			this.publisher.run();
		}
	}

}
