package io.harmonylite.nats;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ChunkAssembler;
import io.harmonylite.apply.MessageOrigin;
import io.harmonylite.apply.MissingStreamException;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.apply.StreamState;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.ChunkHeader;
import io.harmonylite.replicate.ReplicationConfig;
import io.nats.client.ConsumeOptions;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ShardSource} of one shard stream over JetStream. It uses an ordered consumer: ephemeral, flow-controlled
 * and recreated by the client after a gap or a reconnect, since the position lives in SQLite rather than in a durable
 * consumer. Its pulls expire after {@link #PULL_EXPIRY}, so a consumer that stopped hearing from JetStream (its server
 * frozen, a partition, a leader gone) is noticed and recreated within seconds rather than jnats' default 45 s. Every
 * JetStream call retries transient failures until the retry's deadline ({@link JetStreamRetry}).
 */
final class ShardSubscriber implements ShardSource {

	private static final Logger logger = LoggerFactory.getLogger(ShardSubscriber.class);

	/** JetStream's API error code for "no message found". */
	private static final int NO_MESSAGE_FOUND = 10037;

	/**
	 * How long one pull waits for messages; the server sends idle heartbeats every half of it, and the client recreates
	 * the consumer after three missed heartbeats (7.5 s here).
	 */
	static final Duration PULL_EXPIRY = Duration.ofSeconds(5);

	private static final ConsumeOptions CONSUME = ConsumeOptions.builder().expiresIn(PULL_EXPIRY.toMillis()).build();

	/** The largest message a change split into chunks may make up again, framing included. */
	private static final long MAX_CHUNKED_MESSAGE_BYTES = ChangeEventCodec.MAX_CHANGE_BYTES + 1024L;

	/**
	 * The most bytes of unfinished chunked changes a shard keeps in memory; a larger change's chunks are read back from
	 * the stream when its last chunk comes.
	 */
	private static final long MAX_BUFFERED_CHUNK_BYTES = 32L * 1024 * 1024;

	private final JetStream jetStream;

	private final JetStreamManagement management;

	private final ReplicationConfig config;

	private final int shard;

	private final String stream;

	private final long nodeId;

	private final JetStreamRetry retry;

	private final boolean requireLeader;

	private @Nullable MessageConsumer consumer;

	/** Whether the consumer started last delivered a message. */
	private volatile boolean delivered;

	/** The messages being handed over now (an earlier consumer's may still be, after a restart). */
	private final AtomicInteger deliveries = new AtomicInteger();

	ShardSubscriber(JetStream jetStream, JetStreamManagement management, ReplicationConfig config, int shard,
			long nodeId) {
		this(jetStream, management, config, shard, nodeId,
				new JetStreamRetry(KvSchemaRegistry.RETRY_DEADLINE, JetStreamRetry.CHECK_CLUSTER));
	}

	ShardSubscriber(JetStream jetStream, JetStreamManagement management, ReplicationConfig config, int shard,
			long nodeId, JetStreamRetry retry) {
		this(jetStream, management, config, shard, nodeId, retry, false);
	}

	/**
	 * Creates the source.
	 * @param requireLeader whether {@link #state()} fails for a replicated stream that cannot take writes (no leader, or
	 * a leader that has not heard from a majority lately, see {@link StreamQuorum}): a replica cut off from the others
	 * still answers with its own state, which says nothing about whether changes can flow
	 */
	ShardSubscriber(JetStream jetStream, JetStreamManagement management, ReplicationConfig config, int shard,
			long nodeId, JetStreamRetry retry, boolean requireLeader) {
		this.requireLeader = requireLeader;
		this.retry = retry;
		this.jetStream = jetStream;
		this.management = management;
		this.config = config;
		this.shard = shard;
		this.stream = config.streamName(shard);
		this.nodeId = nodeId;
	}

	@Override
	public int shard() {
		return this.shard;
	}

	@Override
	public String stream() {
		return this.stream;
	}

	@Override
	public StreamState state() {
		try {
			StreamInfo info = this.retry.call("read the state of stream " + this.stream,
					() -> this.management.getStreamInfo(this.stream));
			// Only a replicated stream can lose its quorum to a partition (a single replica leads itself).
			String noQuorum = this.requireLeader ? StreamQuorum.problem(this.stream, info.getClusterInfo()) : null;
			if (noQuorum != null) {
				throw new HarmonyLiteException(noQuorum);
			}
			return new StreamState(info.getStreamState().getFirstSequence(), info.getStreamState().getLastSequence(),
					StreamIdentity.of(info), StreamQuorum.leaderKnown(info.getClusterInfo()));
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == JetStreamBuckets.STREAM_NOT_FOUND) {
				throw new MissingStreamException("JetStream has no stream " + this.stream + " (" + ex.getMessage()
						+ ")", ex);
			}
			throw new HarmonyLiteException("Could not read the state of stream " + this.stream + ": " + ex.getMessage(),
					ex);
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not read the state of stream " + this.stream + ": " + ex.getMessage(),
					ex);
		}
	}

	@Override
	public boolean holds(long sequence) {
		return messageAt(sequence) != null;
	}

	@Override
	public synchronized void start(long afterSequence, Receiver receiver) {
		stop();
		this.delivered = false;
		OrderedConsumerConfiguration consumerConfig = new OrderedConsumerConfiguration()
			.filterSubject(this.config.subject(this.shard));
		if (afterSequence > 0) {
			consumerConfig.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(afterSequence + 1);
		}
		else {
			consumerConfig.deliverPolicy(DeliverPolicy.All);
		}
		// A new assembler per delivery: what an earlier delivery left unfinished is read back from the stream.
		ChunkAssembler assembler = new ChunkAssembler(receiver, this::read, MAX_CHUNKED_MESSAGE_BYTES,
				MAX_BUFFERED_CHUNK_BYTES);
		try {
			this.consumer = this.retry.call("start consuming stream " + this.stream,
					() -> this.jetStream.getStreamContext(this.stream)
						.createOrderedConsumer(consumerConfig)
						.consume(CONSUME, (message) -> deliver(message, assembler)));
		}
		catch (IOException | JetStreamApiException ex) {
			throw new HarmonyLiteException("Could not start consuming stream " + this.stream + " of shard " + this.shard
					+ ": " + ex.getMessage(), ex);
		}
		logger.info("Node {}: consuming stream {} from sequence {}", this.nodeId, this.stream, afterSequence + 1);
	}

	private void deliver(Message message, Receiver receiver) {
		this.delivered = true;
		this.deliveries.incrementAndGet();
		try {
			receiver.receive(received(new StreamPosition(this.stream, message.metaData().streamSequence()),
					message.getHeaders(), message.getData(), message.metaData().timestamp().toInstant()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.deliveries.decrementAndGet();
		}
	}

	@Override
	public boolean delivering() {
		return this.deliveries.get() > 0;
	}

	private ReceivedMessage received(StreamPosition position, @Nullable Headers headers, byte @Nullable [] data,
			@Nullable Instant storedAt) {
		byte[] payload = (data != null) ? data : new byte[0];
		try {
			ChunkHeader chunk = ChunkHeaders.read(headers);
			MessageOrigin origin = (chunk == null && headers != null)
					? MessageOrigin.parse(headers.getFirst(NatsJetStreamConstants.MSG_ID_HDR)) : null;
			return new ReceivedMessage(this.shard, position, payload, chunk, null, origin, storedAt);
		}
		catch (IllegalArgumentException ex) {
			return new ReceivedMessage(this.shard, position, payload, null, "malformed chunk headers: " + ex.getMessage());
		}
	}

	/**
	 * Reads one message back as a receiver would get it: a change split into chunks is reassembled from the chunk at
	 * the sequence (its last) and the earlier chunks its links name.
	 * @param sequence the message's sequence (of the last chunk, for a split change)
	 * @return the payload, {@code null} when the stream no longer holds the message or one of its chunks, or the
	 * sequence holds an earlier chunk
	 */
	byte @Nullable [] reassembled(long sequence) {
		ReceivedMessage stored = read(sequence);
		if (stored == null || stored.rejection() != null) {
			return null;
		}
		ReceivedMessage[] whole = new ReceivedMessage[1];
		try {
			new ChunkAssembler((message) -> whole[0] = message, this::read, MAX_CHUNKED_MESSAGE_BYTES,
					MAX_BUFFERED_CHUNK_BYTES)
				.receive(stored);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new HarmonyLiteException("Interrupted while reading message " + sequence + " of stream "
					+ this.stream, ex);
		}
		ReceivedMessage message = whole[0];
		return (message == null || message.rejection() != null || message.positionOnly()) ? null : message.payload();
	}

	/**
	 * Reads one stored message as it is in the stream (a chunk stays a chunk, with its header), retrying while
	 * JetStream is unavailable; also reads earlier chunks back for the {@link ChunkAssembler}.
	 * @param sequence the message's sequence
	 * @return the message, {@code null} when the stream no longer holds it
	 */
	@Nullable ReceivedMessage read(long sequence) {
		MessageInfo info = messageAt(sequence);
		return (info != null)
				? received(new StreamPosition(this.stream, sequence), info.getHeaders(), info.getData(),
						(info.getTime() != null) ? info.getTime().toInstant() : null)
				: null;
	}

	/**
	 * The stored message at a sequence, retrying while JetStream is unavailable.
	 * @return the message, {@code null} when the stream no longer holds it
	 */
	private @Nullable MessageInfo messageAt(long sequence) {
		try {
			return this.retry.call("read message " + sequence + " of stream " + this.stream,
					() -> this.management.getMessage(this.stream, sequence));
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NO_MESSAGE_FOUND) {
				return null;
			}
			throw new HarmonyLiteException("Could not read message " + sequence + " of stream " + this.stream + ": "
					+ ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not read message " + sequence + " of stream " + this.stream + ": "
					+ ex.getMessage(), ex);
		}
	}

	@Override
	public boolean deliveredSinceStart() {
		return this.delivered;
	}

	@Override
	public synchronized void stop() {
		MessageConsumer current = this.consumer;
		this.consumer = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (Exception ex) {
				logger.debug("Closing the consumer of shard {} failed: {}", this.shard, ex.getMessage());
			}
		}
	}

}
