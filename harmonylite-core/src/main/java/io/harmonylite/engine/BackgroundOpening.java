package io.harmonylite.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a part of a node on a thread of its own while the start goes on with other steps; the step that needs it
 * {@link #join() waits} for it. The node's NATS side (its embedded server started, the connection made) is opened so
 * while the database steps run. Closing closes the part once it is open: at once when it is, otherwise when the
 * opening ends, so that a start failing in an earlier step does not wait for it.
 *
 * @param <T> the part
 */
final class BackgroundOpening<T extends AutoCloseable> implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(BackgroundOpening.class);

	private final CompletableFuture<T> opening = new CompletableFuture<>();

	private BackgroundOpening() {
	}

	/**
	 * Starts opening.
	 * @param <T> the part
	 * @param threadName the name of the thread that opens it
	 * @param open opens the part
	 * @return the opening in progress
	 */
	static <T extends AutoCloseable> BackgroundOpening<T> start(String threadName, Supplier<T> open) {
		BackgroundOpening<T> result = new BackgroundOpening<>();
		Thread thread = new Thread(() -> {
			try {
				result.opening.complete(open.get());
			}
			catch (RuntimeException | Error ex) {
				result.opening.completeExceptionally(ex);
			}
		}, threadName);
		thread.setDaemon(true);
		thread.start();
		return result;
	}

	/**
	 * Waits until the part is open.
	 * @return the open part, closed by {@link #close()}
	 * @throws RuntimeException what opening threw
	 */
	T join() {
		try {
			return this.opening.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	@Override
	public void close() {
		this.opening.thenAccept((part) -> {
			try {
				part.close();
			}
			catch (Exception ex) {
				logger.warn("Could not close {}: {}", part, ex.getMessage());
			}
		});
	}

}
