package io.harmonylite.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.harmonylite.event.ChunkHeader;
import io.harmonylite.event.Operation;
import org.jspecify.annotations.Nullable;

/**
 * The next message a stopped node would apply on one shard (the one after its stored position), for an operator
 * looking for the message a shard waits on: what it changes and whether it would apply.
 *
 * @param shard the shard
 * @param stream the shard's stream
 * @param position the stored position: the last sequence applied or skipped here
 * @param table the table of the next message's first change; {@code null} when there is no next message, or it
 * cannot be decoded, or it is a chunk (and so for the operation and the schema hash)
 * @param operation the operation of its first change
 * @param key the primary-key values of its first change; empty when not decoded
 * @param changes how many changes it carries; 0 when not decoded
 * @param schemaHash the schema hash it carries
 * @param chunk the chunk header when the next message is a piece of a change split over several messages
 * @param applies whether it would apply now (also {@code true} when there is no next message)
 * @param verdict what is there and why it would or would not apply
 * @since 0.1.0
 */
public record ShardHead(int shard, String stream, long position, @Nullable String table,
		@Nullable Operation operation, Map<String, @Nullable Object> key, int changes, @Nullable String schemaHash,
		@Nullable ChunkHeader chunk, boolean applies, String verdict) {

	public ShardHead {
		key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
	}

	/**
	 * A shard's next message that was not decoded (none, a chunk, or unreadable).
	 * @param shard the shard
	 * @param stream its stream
	 * @param position the stored position
	 * @param chunk the chunk header, if it is a chunk
	 * @param applies whether it would apply
	 * @param verdict what is there
	 * @return the head
	 */
	static ShardHead undecoded(int shard, String stream, long position, @Nullable ChunkHeader chunk, boolean applies,
			String verdict) {
		return new ShardHead(shard, stream, position, null, null, Map.of(), 0, null, chunk, applies, verdict);
	}

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
