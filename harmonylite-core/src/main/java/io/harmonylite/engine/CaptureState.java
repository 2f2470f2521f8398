package io.harmonylite.engine;

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
	 * The capture triggers installed in the database.
	 * @return the count
	 */
	int triggerCount();

}
