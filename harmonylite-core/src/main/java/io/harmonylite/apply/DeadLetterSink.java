package io.harmonylite.apply;

import java.util.ArrayList;
import java.util.List;

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

	/**
	 * Stores messages as {@link #deadLetter} does, returning once all are stored; an implementation may send them
	 * together rather than waiting for each in turn.
	 * @param messages the rejected messages
	 * @param reasons why each cannot be applied, in the same order
	 * @return their sequences in the dead-letter stream, in the same order
	 * @throws RuntimeException if one could not be stored; the caller retries them all
	 */
	default List<Long> deadLetterAll(List<ReceivedMessage> messages, List<String> reasons) {
		List<Long> sequences = new ArrayList<>(messages.size());
		for (int i = 0; i < messages.size(); i++) {
			sequences.add(deadLetter(messages.get(i), reasons.get(i)));
		}
		return sequences;
	}

}
