package io.harmonylite.engine;

import java.util.Map;

import io.harmonylite.capture.PendingChange;
import org.jspecify.annotations.Nullable;

/**
 * The node's change log and capture triggers as the status sees them.
 */
interface CaptureState {

	/**
	 * Captured changes not yet acknowledged by JetStream.
	 * @return the count
	 */
	long pendingChanges();

	/**
	 * Captured changes that can never be published.
	 * @return the count
	 */
	long failedChanges();

	/**
	 * The oldest change not yet acknowledged.
	 * @return the change, {@code null} when nothing is pending
	 */
	@Nullable PendingChange oldestPending();

	/**
	 * Captured changes that can never be published, by table.
	 * @return table to count; empty when none failed
	 */
	Map<String, Long> failedByTable();

	/**
	 * The capture triggers installed in the database.
	 * @return the count
	 */
	int triggerCount();

}
