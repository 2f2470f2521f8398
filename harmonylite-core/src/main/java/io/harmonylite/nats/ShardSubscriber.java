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
import io.nats.client.api.StreamInfo;
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

	/** JetStream's API error code for "no message found". */
	private static final int NO_MESSAGE_FOUND = 10037;

	private final JetStream jetStream;

	private final JetStreamManagement management;

	private final ReplicationConfig config;

	private final int shard;

	private final String stream;

	private final ApplyLoop applyLoop;

	private final long nodeId;

	private volatile @Nullable MessageConsumer consumer;

	private volatile @Nullable StreamGap gap;


	public ShardSubscriber(JetStream jetStream, JetStreamManagement management, ReplicationConfig config, int shard,
			ApplyLoop applyLoop, long nodeId) {
		this.jetStream = jetStream;
		this.management = management;
		this.config = config;
		this.shard = shard;
		this.stream = config.streamName(shard);
		this.applyLoop = applyLoop;
		this.nodeId = nodeId;
	}

	/**
	 * Starts consuming after the given sequence, unless the stream no longer holds the next message, in which case
	 * the gap is reported and nothing is consumed.
	 * @param appliedSequence the last sequence applied here, 0 when none
	 */
	public synchronized void start(long appliedSequence) {
		String stream = this.stream;
		try {
			StreamGap found = findGap(stream, appliedSequence);
			if (found != null) {
				this.gap = found;
				logger.error("Node {}: {}", this.nodeId, found.describe());
				return;
			}
			this.gap = null;
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

	/**
	 * Whether the message this node needs next is missing: the stream dropped it (too old), lost it (the stream was
	 * deleted and re-created, so its sequences start again), or had it deleted from the middle.
	 */
	private @Nullable StreamGap findGap(String stream, long appliedSequence) throws IOException, JetStreamApiException {
		StreamInfo info = this.management.getStreamInfo(stream);
		StreamState state = info.getStreamState();
		if (appliedSequence > state.getLastSequence()) {
			return StreamGap.reset(stream, appliedSequence, state.getLastSequence());
		}
		String identity = StreamIdentity.of(info);
		if (!this.applyLoop.confirmStreamIdentity(stream, identity)) {
			return StreamGap.recreated(stream, appliedSequence, identity);
		}
		if (appliedSequence + 1 < state.getFirstSequence()) {
			return StreamGap.truncated(stream, appliedSequence, state.getFirstSequence());
		}
		if (appliedSequence < state.getLastSequence() && !holds(stream, appliedSequence + 1)) {
			return StreamGap.deleted(stream, appliedSequence);
		}
		return null;
	}

	private boolean holds(String stream, long sequence) throws IOException, JetStreamApiException {
		try {
			this.management.getMessage(stream, sequence);
			return true;
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NO_MESSAGE_FOUND) {
				return false;
			}
			throw ex;
		}
	}

	private void onMessage(Message message) {
		try {
			this.applyLoop.submit(new ReceivedMessage(this.shard,
					new StreamPosition(this.stream, message.metaData().streamSequence()), message.getData()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The gap found at start, if the stream had already dropped messages this node needs.
	 * @return the gap, or {@code null}
	 */
	public @Nullable StreamGap gap() {
		return this.gap;
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
	 * Messages a node needs that its stream no longer holds; replication of the shard stops until an operator acts.
	 *
	 * @param stream the stream
	 * @param appliedSequence the last sequence applied on this node
	 * @param problem what is missing and why
	 * @param remedy what the operator can do
	 */
	public record StreamGap(String stream, long appliedSequence, String problem, String remedy) {

		private static final String RESTORE = "Restore this node from a snapshot or from a copy of a healthy node's "
				+ "database file.";

		private static final String RESET_POSITION = " If this node's data is known to be complete, delete the stream's "
				+ "row from __harmonylite__apply_position to read the new stream from its start.";

		static StreamGap truncated(String stream, long appliedSequence, long firstAvailable) {
			return new StreamGap(stream, appliedSequence, "no longer holds sequences " + (appliedSequence + 1) + " to "
					+ (firstAvailable - 1) + " that this node has not applied (last applied " + appliedSequence
					+ ", first available " + firstAvailable + ")",
					RESTORE + " Raise harmonylite.replication.max-entries to keep more history.");
		}

		static StreamGap reset(String stream, long appliedSequence, long lastSequence) {
			return new StreamGap(stream, appliedSequence, "ends at sequence " + lastSequence
					+ ", before sequence " + appliedSequence + " that this node already applied: the stream was "
					+ "deleted and re-created (or reset), so its sequences no longer match this node's position",
					RESTORE + RESET_POSITION);
		}

		static StreamGap recreated(String stream, long appliedSequence, String createdAt) {
			return new StreamGap(stream, appliedSequence, "was deleted and re-created since this node applied sequence "
					+ appliedSequence + " of the old one (the stream there now was created at " + createdAt
					+ "), so its sequences no longer match this node's position", RESTORE + RESET_POSITION);
		}

		static StreamGap deleted(String stream, long appliedSequence) {
			return new StreamGap(stream, appliedSequence, "no longer holds sequence " + (appliedSequence + 1)
					+ ", the next one this node needs: it was deleted from the stream",
					RESTORE + " If the message was removed on purpose, set the stream's sequence in "
							+ "__harmonylite__apply_position to " + (appliedSequence + 1) + " to go on after it.");
		}

		/**
		 * A message for the operator.
		 * @return the description
		 */
		public String describe() {
			return "stream " + this.stream + " " + this.problem + "; replication of this shard is stopped. "
					+ this.remedy;
		}

	}

}
