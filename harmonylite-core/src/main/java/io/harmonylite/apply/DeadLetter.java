package io.harmonylite.apply;

import org.jspecify.annotations.Nullable;

/**
 * A message some node moved to the dead-letter stream, as read back from it.
 *
 * @param sequence its sequence in the dead-letter stream
 * @param origin the shard stream and sequence it was read at
 * @param rejectedBy the node that dead-lettered it
 * @param reason why it was dead-lettered
 * @param payload the original message, {@code null} when it was too large to store in the dead letter (then it is
 * read back from its shard stream while that stream holds it)
 * @since 0.1.0
 */
public record DeadLetter(long sequence, StreamPosition origin, long rejectedBy, String reason,
		byte @Nullable [] payload) {
}
