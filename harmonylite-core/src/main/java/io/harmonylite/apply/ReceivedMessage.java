package io.harmonylite.apply;

import java.time.Instant;

import io.harmonylite.event.ChunkHeader;
import org.jspecify.annotations.Nullable;

/**
 * A raw message taken from a shard stream, not yet decoded or trusted.
 *
 * @param shard the shard number
 * @param position the stream and sequence it was read at
 * @param payload the message body
 * @param chunk set on a piece of a change split over several messages; the {@link ChunkAssembler} turns the pieces
 * into one message at the last piece's position and leaves the earlier ones without payload, so that they only move
 * the position
 * @param rejection why a reassembled change can never be applied (e.g. its checksum does not match), for the dead
 * letter; {@code null} for a message to apply
 * @param origin the publisher and the change ids, from the message id; {@code null} when unknown (and for chunks)
 * @param storedAt when the stream stored it (the server's clock), {@code null} when unknown
 * @since 0.1.0
 */
public record ReceivedMessage(int shard, StreamPosition position, byte[] payload, @Nullable ChunkHeader chunk,
		@Nullable String rejection, @Nullable MessageOrigin origin, @Nullable Instant storedAt) {

	/**
	 * A message of a stream whose storage time is unknown.
	 * @param shard the shard number
	 * @param position the stream and sequence it was read at
	 * @param payload the message body
	 * @param chunk set on a piece of a change split over several messages
	 * @param rejection why a reassembled change can never be applied, {@code null} for a message to apply
	 * @param origin the publisher and the change ids, {@code null} when unknown
	 */
	public ReceivedMessage(int shard, StreamPosition position, byte[] payload, @Nullable ChunkHeader chunk,
			@Nullable String rejection, @Nullable MessageOrigin origin) {
		this(shard, position, payload, chunk, rejection, origin, null);
	}

	/**
	 * A message that is a change (or several) by itself.
	 * @param shard the shard number
	 * @param position the stream and sequence it was read at
	 * @param payload the message body
	 */
	public ReceivedMessage(int shard, StreamPosition position, byte[] payload) {
		this(shard, position, payload, null, null, null);
	}

	/**
	 * A message of unknown origin.
	 * @param shard the shard number
	 * @param position the stream and sequence it was read at
	 * @param payload the message body
	 * @param chunk set on a piece of a change split over several messages
	 * @param rejection why a reassembled change can never be applied, {@code null} for a message to apply
	 */
	public ReceivedMessage(int shard, StreamPosition position, byte[] payload, @Nullable ChunkHeader chunk,
			@Nullable String rejection) {
		this(shard, position, payload, chunk, rejection, null);
	}

	/**
	 * Whether this is a piece of a larger change whose content travels with its last piece, so applying it only moves
	 * the position.
	 * @return {@code true} for every chunk but the last, once assembled
	 */
	public boolean positionOnly() {
		return this.chunk != null && !this.chunk.isLast();
	}

}
