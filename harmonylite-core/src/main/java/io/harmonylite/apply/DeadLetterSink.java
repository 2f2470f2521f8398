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
	 * @return the letter's sequence in the dead-letter stream (the first letter's, when the same message was stored
	 * before)
	 * @throws RuntimeException if it could not be stored; the caller retries and does not move past the message
	 */
	long deadLetter(ReceivedMessage message, String reason);

}
