package io.harmonylite.apply;

/**
 * Where messages that can never be applied are kept for the operator; implemented over JetStream.
 *
 * @since 0.1.0
 */
public interface DeadLetterSink {

	/**
	 * Stores a message with the reason it was rejected; returns only once it is stored.
	 * @param message the rejected message, with its original payload
	 * @param reason why it cannot be applied
	 * @throws RuntimeException if it could not be stored; the caller retries and does not move past the message
	 */
	void deadLetter(ReceivedMessage message, String reason);

}
