package io.harmonylite.nats;

import java.util.concurrent.CompletableFuture;

import io.harmonylite.replicate.ChangeSink;
import io.harmonylite.replicate.MessageTooLargeException;
import io.harmonylite.replicate.ReplicationConfig;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;

/**
 * Publishes changes asynchronously to the shard subjects, with JetStream de-duplication by message id.
 *
 * @since 0.1.0
 */
public final class JetStreamChangeSink implements ChangeSink {

	private final Connection connection;

	private final JetStream jetStream;

	private final ReplicationConfig config;

	public JetStreamChangeSink(Connection connection, JetStream jetStream, ReplicationConfig config) {
		this.connection = connection;
		this.jetStream = jetStream;
		this.config = config;
	}

	@Override
	public CompletableFuture<?> publish(int shard, String messageId, byte[] payload) {
		long maxPayload = this.connection.getMaxPayload();
		if (maxPayload > 0 && payload.length > maxPayload) {
			throw new MessageTooLargeException(payload.length, maxPayload);
		}
		PublishOptions options = PublishOptions.builder()
			.messageId(messageId)
			.expectedStream(this.config.streamName(shard))
			.build();
		return this.jetStream.publishAsync(this.config.subject(shard), payload, options);
	}

}
