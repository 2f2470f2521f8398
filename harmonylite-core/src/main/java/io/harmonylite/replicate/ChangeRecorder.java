package io.harmonylite.replicate;

import io.harmonylite.capture.RecordedChanges;

/**
 * Gives local changes their final version before they are published, so that what is published is exactly what this
 * node recorded for its own conflict decisions.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ChangeRecorder {

	/**
	 * Records the pending local changes.
	 * @param after the publisher's position: the last change-log id it read
	 * @param limit the most recorded changes to hand over
	 * @return the highest id recorded (pending changes up to it may be published), with the first recorded changes
	 * when they follow {@code after} directly
	 */
	RecordedChanges recordPending(long after, int limit);

}
