package io.harmonylite.nats;

import java.util.concurrent.CompletableFuture;

import io.harmonylite.replicate.ChangeSink;
import io.harmonylite.replicate.MessageTooLargeException;
import io.harmonylite.replicate.ReplicationConfig;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;

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
		String stream = this.config.streamName(shard);
		Headers headers = new Headers();
		headers.put(NatsJetStreamConstants.MSG_ID_HDR, messageId);
		headers.put(NatsJetStreamConstants.EXPECTED_STREAM_HDR, stream);
		long limit = PayloadLimit.forPayload(this.connection, headers);
		if (payload.length > limit) {
			throw new MessageTooLargeException(payload.length, limit);
		}
		return this.jetStream.publishAsync(this.config.subject(shard), headers, payload);
	}

}
