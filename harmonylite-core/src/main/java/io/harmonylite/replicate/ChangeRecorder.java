package io.harmonylite.replicate;

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
	 * @return the highest change-log id recorded: pending changes up to it may be published
	 */
	long recordPending();

}
