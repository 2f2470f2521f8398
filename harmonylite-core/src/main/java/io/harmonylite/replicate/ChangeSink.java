package io.harmonylite.replicate;

import java.util.concurrent.CompletableFuture;

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

}
