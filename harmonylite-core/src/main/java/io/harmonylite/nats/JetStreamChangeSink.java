package io.harmonylite.nats;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.ChunkHeader;
import io.harmonylite.replicate.ChangeSink;
import io.harmonylite.replicate.MessageTooLargeException;
import io.harmonylite.replicate.ReplicationConfig;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;
import org.jspecify.annotations.Nullable;

/**
 * Publishes changes asynchronously to the shard subjects, with JetStream de-duplication by message id. A shard whose
 * stream has fewer replicas than configured gets nothing: its publish fails at once, so that its changes stay pending
 * and are retried, rather than counted as published on an acknowledgement that would not survive the loss of a
 * server.
 *
 * @since 0.1.0
 */
public final class JetStreamChangeSink implements ChangeSink {

	private final Connection connection;

	private final JetStream jetStream;

	private final ReplicationConfig config;

	private final StreamReplicaGuard replicas;

	/**
	 * Creates a sink that checks the streams' replicas on its own.
	 * @param connection the connection, for the server's payload limit and the streams' settings
	 * @param jetStream the JetStream context
	 * @param config the replication settings; {@code replicas} is the least a stream must have
	 */
	public JetStreamChangeSink(Connection connection, JetStream jetStream, ReplicationConfig config) {
		this(connection, jetStream, config, new StreamReplicaGuard(management(connection), config.replicas()));
	}

	JetStreamChangeSink(Connection connection, JetStream jetStream, ReplicationConfig config,
			StreamReplicaGuard replicas) {
		this.connection = connection;
		this.jetStream = jetStream;
		this.config = config;
		this.replicas = replicas;
	}

	private static io.nats.client.JetStreamManagement management(Connection connection) {
		try {
			return connection.jetStreamManagement();
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("JetStream is not available on " + connection.getConnectedUrl() + ": "
					+ ex.getMessage() + ". Start nats-server with JetStream enabled (-js).", ex);
		}
	}

	@Override
	public CompletableFuture<?> publish(int shard, String messageId, byte[] payload) {
		return publish(shard, messageId, payload, null);
	}

	@Override
	public CompletableFuture<Long> publishChunk(int shard, String messageId, byte[] payload, ChunkHeader chunk) {
		return publish(shard, messageId, payload, chunk).thenApply(PublishAck::getSeqno);
	}

	@Override
	public int chunkSize() {
		long maxPayload = this.connection.getMaxPayload();
		return (maxPayload > 0) ? (int) Math.max(1, maxPayload - ChunkHeaders.HEADER_ROOM) : Integer.MAX_VALUE;
	}

	private CompletableFuture<PublishAck> publish(int shard, String messageId, byte[] payload,
			@Nullable ChunkHeader chunk) {
		String stream = this.config.streamName(shard);
		String problem = this.replicas.problem(stream);
		if (problem != null) {
			return CompletableFuture.failedFuture(new HarmonyLiteException("Not published: " + problem));
		}
		Headers headers = new Headers();
		headers.put(NatsJetStreamConstants.MSG_ID_HDR, messageId);
		headers.put(NatsJetStreamConstants.EXPECTED_STREAM_HDR, stream);
		if (chunk != null) {
			ChunkHeaders.write(chunk, headers);
		}
		long limit = PayloadLimit.forPayload(this.connection, headers);
		if (payload.length > limit) {
			throw new MessageTooLargeException(payload.length, limit);
		}
		return this.jetStream.publishAsync(this.config.subject(shard), headers, payload);
	}

}
