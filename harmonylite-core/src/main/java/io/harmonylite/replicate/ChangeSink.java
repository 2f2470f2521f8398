package io.harmonylite.replicate;

import java.util.concurrent.CompletableFuture;

import io.harmonylite.event.ChunkHeader;

/**
 * Where the publisher sends encoded changes; implemented over JetStream.
 *
 * @since 0.1.0
 */
public interface ChangeSink {

	/**
	 * Sends one message to a shard without waiting for the acknowledgement.
	 * @param shard the shard number
	 * @param messageId the de-duplication id, unique per change
	 * @param payload the encoded change
	 * @return a future that completes when the stream has stored the message
	 * @throws MessageTooLargeException if the payload exceeds what the server accepts
	 */
	CompletableFuture<?> publish(int shard, String messageId, byte[] payload);

	/**
	 * Sends one piece of a change too large for one message, with its chunk header, without waiting for the
	 * acknowledgement.
	 * @param shard the shard number
	 * @param messageId the de-duplication id, unique per chunk
	 * @param payload the chunk's bytes, at most {@link #chunkSize()}
	 * @param chunk where the piece belongs
	 * @return a future that completes with the chunk's stream sequence when the stream has stored it
	 */
	CompletableFuture<Long> publishChunk(int shard, String messageId, byte[] payload, ChunkHeader chunk);

	/**
	 * The most bytes one chunk carries: the server's payload limit less room for the chunk's headers.
	 * @return the chunk size
	 */
	int chunkSize();

}
