package io.harmonylite.apply;

import java.time.Duration;

import io.harmonylite.event.ChangeEvent;

/**
 * Observes the apply loop, for metrics.
 *
 * @since 0.1.0
 */
public interface ApplyListener {

	/** A listener that ignores everything. */
	ApplyListener NONE = new ApplyListener() {
	};

	/**
	 * A change was committed on this node.
	 * @param event the change
	 * @param lag the time from capture on the origin to commit here
	 */
	default void applied(ChangeEvent event, Duration lag) {
	}

	/**
	 * A batch was committed.
	 * @param size how many changes it held
	 * @param duration how long the transaction took
	 */
	default void batchApplied(int size, Duration duration) {
	}

	/**
	 * A message was moved to the dead letter.
	 * @param message the message
	 * @param reason why
	 */
	default void deadLettered(ReceivedMessage message, String reason) {
	}

	/**
	 * Applying a batch failed with an error that is retried (the batch is tried again after a backoff, nothing moves
	 * past it).
	 * @param head the batch's first message, the head of its shard
	 * @param failure why
	 */
	default void batchFailed(ReceivedMessage head, RuntimeException failure) {
	}

}
