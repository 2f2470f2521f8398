package io.harmonylite.replicate;

import java.util.List;

import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.RecordedChanges;

/**
 * Gives local changes their final version before they are published, so that what is published is exactly what this
 * node records for its own conflict decisions; a change is marked published only once it is recorded.
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

	/**
	 * The pending changes to send next: recorded first, or handed over {@link RecordedChanges#recorded() unrecorded}
	 * with the versions recording will keep, to be recorded with {@link #recordSent} once sent.
	 * @param after the publisher's position: the last change-log id it read
	 * @param limit the most changes to hand over
	 * @return the changes; by default recorded first
	 */
	default RecordedChanges pendingToPublish(long after, int limit) {
		return recordPending(after, limit);
	}

	/**
	 * Records changes handed over unrecorded, once they were sent.
	 * @param after the position they were handed over after
	 * @param sent the changes
	 * @return the highest id recorded
	 */
	default long recordSent(long after, List<CapturedChange> sent) {
		return recordPending(after, 1).through();
	}

}
