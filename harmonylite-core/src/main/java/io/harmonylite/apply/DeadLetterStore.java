package io.harmonylite.apply;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Reads the dead-letter stream back, for an operator who lists or re-applies dead letters; implemented over
 * JetStream.
 *
 * @since 0.1.0
 */
public interface DeadLetterStore {

	/**
	 * The dead-letter stream's name.
	 * @return the name
	 */
	String stream();

	/**
	 * The dead letters in a range of the dead-letter stream, oldest first.
	 * @param fromSequence the first sequence, inclusive
	 * @param toSequence the last sequence, inclusive
	 * @return the letters the stream still holds in that range
	 * @throws io.harmonylite.HarmonyLiteException if the stream cannot be read
	 */
	List<DeadLetter> read(long fromSequence, long toSequence);

	/**
	 * Reads a message back from its shard stream, as the node received it: a change split into chunks is reassembled
	 * from them. Used for dead letters stored without their payload.
	 * @param origin the stream and the sequence of the message (of its last chunk)
	 * @return the message's payload, {@code null} when the stream no longer holds it (or all its chunks)
	 * @throws io.harmonylite.HarmonyLiteException if the stream cannot be read
	 */
	byte @Nullable [] original(StreamPosition origin);

}
