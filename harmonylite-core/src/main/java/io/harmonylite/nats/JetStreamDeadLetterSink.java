package io.harmonylite.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.DeadLetterSink;
import io.harmonylite.apply.ReceivedMessage;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;

/**
 * Stores rejected messages in the dead-letter stream with headers naming where they came from and why.
 *
 * @since 0.1.0
 */
public final class JetStreamDeadLetterSink implements DeadLetterSink {

	/** Header: the stream the message was read from. */
	public static final String HEADER_STREAM = "HarmonyLite-Stream";

	/** Header: the message's sequence in that stream. */
	public static final String HEADER_SEQUENCE = "HarmonyLite-Sequence";

	/** Header: the node that rejected it. */
	public static final String HEADER_NODE = "HarmonyLite-Rejected-By";

	/** Header: why it was rejected. */
	public static final String HEADER_REASON = "HarmonyLite-Reason";

	/** Header: set when the payload was too large to store here; read it from its stream while the stream holds it. */
	public static final String HEADER_PAYLOAD_OMITTED = "HarmonyLite-Payload-Omitted";

	/** How long an acknowledgement of a letter published with others is waited for before it is stored on its own. */
	private static final Duration ACK_WAIT = Duration.ofSeconds(10);

	private final Connection connection;

	private final JetStream jetStream;

	private final String subject;

	private final long nodeId;

	private final JetStreamRetry retry;

	/**
	 * Creates a sink that retries a publish for up to {@link KvSchemaRegistry#RETRY_DEADLINE} while JetStream is
	 * unavailable.
	 * @param connection the connection, for the server's payload limit
	 * @param jetStream the JetStream context
	 * @param subject the dead-letter subject
	 * @param nodeId this node's id, in the headers
	 */
	JetStreamDeadLetterSink(Connection connection, JetStream jetStream, String subject, long nodeId) {
		this.connection = connection;
		this.jetStream = jetStream;
		this.subject = subject;
		this.nodeId = nodeId;
		this.retry = new JetStreamRetry(KvSchemaRegistry.RETRY_DEADLINE, JetStreamRetry.CHECK_CLUSTER);
	}

	@Override
	public long deadLetter(ReceivedMessage message, String reason) {
		Letter letter = letter(message, reason);
		try {
			// A duplicate (the same letter stored before) is acknowledged with the first one's sequence.
			return this.retry.call("store message " + message.position().sequence() + " of stream "
					+ message.position().stream() + " in the dead letter",
					() -> this.jetStream.publish(this.subject, letter.headers(), letter.body()))
				.getSeqno();
		}
		catch (IOException | JetStreamApiException ex) {
			throw new HarmonyLiteException("Could not store message " + message.position().sequence() + " of stream "
					+ message.position().stream() + " in the dead letter " + this.subject + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Publishes the letters at once and waits for their acknowledgements; one that fails is stored again on its own,
	 * with retries (a letter stored twice is one: its message id).
	 */
	@Override
	public List<Long> deadLetterAll(List<ReceivedMessage> messages, List<String> reasons) {
		List<CompletableFuture<PublishAck>> acks = new ArrayList<>(messages.size());
		for (int i = 0; i < messages.size(); i++) {
			Letter letter = letter(messages.get(i), reasons.get(i));
			acks.add(this.jetStream.publishAsync(this.subject, letter.headers(), letter.body()));
		}
		List<Long> sequences = new ArrayList<>(messages.size());
		for (int i = 0; i < messages.size(); i++) {
			PublishAck ack;
			try {
				ack = acks.get(i).get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new HarmonyLiteException("Interrupted while storing dead letters", ex);
			}
			catch (ExecutionException | TimeoutException ex) {
				ack = null;
			}
			sequences.add((ack != null) ? ack.getSeqno() : deadLetter(messages.get(i), reasons.get(i)));
		}
		return sequences;
	}

	private Letter letter(ReceivedMessage message, String reason) {
		Headers headers = new Headers();
		headers.put(HEADER_STREAM, message.position().stream());
		headers.put(HEADER_SEQUENCE, Long.toString(message.position().sequence()));
		headers.put(HEADER_NODE, Long.toString(this.nodeId));
		headers.put(HEADER_REASON, printableAscii(reason));
		// The same letter stored twice (a redelivery) is one; two changes of one message dead-lettered apart are two.
		CRC32 checksum = new CRC32();
		checksum.update(message.payload());
		headers.put(NatsJetStreamConstants.MSG_ID_HDR, "dlq-" + this.nodeId + "-" + message.position().stream() + "-"
				+ message.position().sequence() + "-" + Long.toHexString(checksum.getValue()));
		byte[] payload = message.payload();
		if (payload.length > PayloadLimit.forPayload(this.connection, headers)) {
			headers.put(HEADER_PAYLOAD_OMITTED, payload.length + " bytes");
			payload = new byte[0];
		}
		return new Letter(headers, payload);
	}

	private record Letter(Headers headers, byte[] body) {
	}

	private static String printableAscii(String text) {
		StringBuilder ascii = new StringBuilder(Math.min(text.length(), 1000));
		text.codePoints().limit(1000).forEach((c) -> ascii.append((c >= 32 && c < 127) ? (char) c : '?'));
		return ascii.toString();
	}

}
