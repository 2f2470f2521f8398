package io.harmonylite.nats;

import java.io.IOException;
import java.util.zip.CRC32;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.DeadLetterSink;
import io.harmonylite.apply.ReceivedMessage;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
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
		byte[] body = payload;
		try {
			// A duplicate (the same letter stored before) is acknowledged with the first one's sequence.
			return this.retry.call("store message " + message.position().sequence() + " of stream "
					+ message.position().stream() + " in the dead letter",
					() -> this.jetStream.publish(this.subject, headers, body))
				.getSeqno();
		}
		catch (IOException | JetStreamApiException ex) {
			throw new HarmonyLiteException("Could not store message " + message.position().sequence() + " of stream "
					+ message.position().stream() + " in the dead letter " + this.subject + ": " + ex.getMessage(), ex);
		}
	}

	private static String printableAscii(String text) {
		StringBuilder ascii = new StringBuilder(Math.min(text.length(), 1000));
		text.codePoints().limit(1000).forEach((c) -> ascii.append((c >= 32 && c < 127) ? (char) c : '?'));
		return ascii.toString();
	}

}
