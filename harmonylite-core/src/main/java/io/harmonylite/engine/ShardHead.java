package io.harmonylite.engine;

import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.event.ChunkHeader;
import org.jspecify.annotations.Nullable;

/**
 * The next message a stopped node would apply on one shard (the one after its stored position), for an operator
 * looking for the message a shard waits on: what it changes and whether it would apply.
 *
 * @param shard the shard
 * @param stream the shard's stream
 * @param position the stored position: the last sequence applied or skipped here
 * @param message the next message decoded (its first change, with why it waits as reason); {@code null} when there is
 * none, or it cannot be decoded, or it is a chunk
 * @param chunk the chunk header when the next message is a piece of a change split over several messages
 * @param applies whether it would apply now (also {@code true} when there is no next message)
 * @param verdict what is there and why it would or would not apply
 * @since 0.1.0
 */
public record ShardHead(int shard, String stream, long position, @Nullable BlockedMessage message,
		@Nullable ChunkHeader chunk, boolean applies, String verdict) {

	/**
	 * The sequence of the next message.
	 * @return the stored position plus one
	 */
	public long nextSequence() {
		return this.position + 1;
	}

	/**
	 * The outcome of skipping a shard's next message.
	 *
	 * @param head the message, as it was before the skip
	 * @param refused why it was not skipped, {@code null} when it was moved to the dead letter and the position
	 * advanced past it
	 */
	public record Skip(ShardHead head, @Nullable String refused) {

	}

}
