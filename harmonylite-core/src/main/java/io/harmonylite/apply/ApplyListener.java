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
	 * A message was quarantined because no node ever reported its schema hash; it was also
	 * {@link #deadLettered dead-lettered}.
	 * @param message the message
	 * @param schemaHash the unknown hash
	 */
	default void quarantined(ReceivedMessage message, String schemaHash) {
	}

}
