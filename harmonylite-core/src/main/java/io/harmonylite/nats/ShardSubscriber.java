package io.harmonylite.nats;

import java.io.IOException;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.replicate.ReplicationConfig;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one shard stream in order, from just after the position stored in the database, and hands each message to
 * the apply loop. It uses an ordered consumer: ephemeral, flow-controlled and recreated by the client after a gap or a
 * reconnect, since the position lives in SQLite rather than in a durable consumer.
 *
 * @since 0.1.0
 */
public final class ShardSubscriber implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ShardSubscriber.class);

	private final JetStream jetStream;

	private final JetStreamManagement management;

	private final ReplicationConfig config;

	private final int shard;

	private final ApplyLoop applyLoop;

	private final long nodeId;

	private volatile @Nullable MessageConsumer consumer;

	private volatile @Nullable StreamGap gap;

	private volatile long lastReceived;

	public ShardSubscriber(JetStream jetStream, JetStreamManagement management, ReplicationConfig config, int shard,
			ApplyLoop applyLoop, long nodeId) {
		this.jetStream = jetStream;
		this.management = management;
		this.config = config;
		this.shard = shard;
		this.applyLoop = applyLoop;
		this.nodeId = nodeId;
	}

	/**
	 * Starts consuming after the given sequence, unless the stream no longer holds the next message, in which case
	 * the gap is reported and nothing is consumed.
	 * @param appliedSequence the last sequence applied here, 0 when none
	 */
	public synchronized void start(long appliedSequence) {
		String stream = this.config.streamName(this.shard);
		try {
			StreamState state = this.management.getStreamInfo(stream).getStreamState();
			long first = state.getFirstSequence();
			if (appliedSequence + 1 < first) {
				StreamGap found = new StreamGap(stream, appliedSequence, first);
				this.gap = found;
				logger.error("Node {}: {}", this.nodeId, found.describe());
				return;
			}
			this.gap = null;
			this.lastReceived = appliedSequence;
			OrderedConsumerConfiguration consumerConfig = new OrderedConsumerConfiguration()
				.filterSubject(this.config.subject(this.shard));
			if (appliedSequence > 0) {
				consumerConfig.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(appliedSequence + 1);
			}
			else {
				consumerConfig.deliverPolicy(DeliverPolicy.All);
			}
			this.consumer = this.jetStream.getStreamContext(stream)
				.createOrderedConsumer(consumerConfig)
				.consume(this::onMessage);
			logger.info("Node {}: consuming stream {} from sequence {}", this.nodeId, stream, appliedSequence + 1);
		}
		catch (IOException | JetStreamApiException ex) {
			throw new HarmonyLiteException("Could not start consuming stream " + stream + " of shard " + this.shard
					+ ": " + ex.getMessage(), ex);
		}
	}

	private void onMessage(Message message) {
		long sequence = message.metaData().streamSequence();
		try {
			this.applyLoop.submit(new ReceivedMessage(this.shard,
					new StreamPosition(this.config.streamName(this.shard), sequence), message.getData()));
			this.lastReceived = sequence;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The shard this subscriber reads.
	 * @return the shard number
	 */
	public int shard() {
		return this.shard;
	}

	/**
	 * The gap found at start, if the stream had already dropped messages this node needs.
	 * @return the gap, or {@code null}
	 */
	public @Nullable StreamGap gap() {
		return this.gap;
	}

	/**
	 * The highest sequence handed to the apply loop.
	 * @return the sequence
	 */
	public long lastReceived() {
		return this.lastReceived;
	}

	/**
	 * Whether messages are being consumed.
	 * @return {@code true} while consuming
	 */
	public boolean isConsuming() {
		return this.consumer != null;
	}

	/**
	 * Stops consuming; messages already queued stay queued.
	 */
	@Override
	public synchronized void close() {
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

	/**
	 * Messages a node needs that its stream no longer holds.
	 *
	 * @param stream the stream
	 * @param appliedSequence the last sequence applied on this node
	 * @param firstAvailable the first sequence the stream still holds
	 */
	public record StreamGap(String stream, long appliedSequence, long firstAvailable) {

		/**
		 * A message for the operator.
		 * @return the description
		 */
		public String describe() {
			return "stream " + this.stream + " no longer holds sequences " + (this.appliedSequence + 1) + " to "
					+ (this.firstAvailable - 1) + " that this node has not applied (last applied " + this.appliedSequence
					+ ", first available " + this.firstAvailable + "); replication of this shard is stopped. "
					+ "Restore a snapshot on this node, or raise harmonylite.replication.max-entries to keep more history.";
		}

	}

}
