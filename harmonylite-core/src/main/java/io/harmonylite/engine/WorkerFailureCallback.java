package io.harmonylite.engine;

/**
 * Told when a worker of the running node dies, in the style of Debezium's {@code DebeziumEngine.CompletionCallback}:
 * register one on the {@link HarmonyLiteEngine.Builder} to alert or to stop the application. The engine reports the
 * death in its status and restarts the worker after a backoff either way.
 * <p>
 * Called on the dying worker's thread; keep it short, and never call {@link HarmonyLiteEngine#close()} from it
 * directly (hand that to another thread).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface WorkerFailureCallback {

	/** A callback that does nothing. */
	WorkerFailureCallback NONE = (failure) -> {
	};

	/**
	 * Handles the death of a worker.
	 * @param failure which worker died, why, and when it restarts
	 */
	void handle(WorkerFailure failure);

}
