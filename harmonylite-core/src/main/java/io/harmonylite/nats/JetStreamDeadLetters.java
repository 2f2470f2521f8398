package io.harmonylite.nats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.DeadLetter;
import io.harmonylite.apply.DeadLetterStore;
import io.harmonylite.apply.StreamPosition;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Reads the dead-letter stream back message by message, with the headers {@link JetStreamDeadLetterSink} wrote, and
 * reads omitted payloads back from their shard streams.
 */
final class JetStreamDeadLetters implements DeadLetterStore {

	/** JetStream's API error code for "no message found". */
	private static final int NO_MESSAGE_FOUND = 10037;

	private final JetStreamManagement management;

	private final String stream;

	private final Map<String, ShardSubscriber> shards;

	private final JetStreamRetry retry = new JetStreamRetry(KvSchemaRegistry.RETRY_DEADLINE,
			JetStreamRetry.CHECK_CLUSTER);

	/**
	 * Creates the reader.
	 * @param management the JetStream management context
	 * @param stream the dead-letter stream
	 * @param shards the shard streams by name, for omitted payloads
	 */
	JetStreamDeadLetters(JetStreamManagement management, String stream, Map<String, ShardSubscriber> shards) {
		this.management = management;
		this.stream = stream;
		this.shards = Map.copyOf(shards);
	}

	@Override
	public String stream() {
		return this.stream;
	}

	@Override
	public List<DeadLetter> read(long fromSequence, long toSequence) {
		StreamInfo info = call("read the state of", () -> this.management.getStreamInfo(this.stream));
		if (info == null) {
			return List.of();
		}
		long first = Math.max(fromSequence, info.getStreamState().getFirstSequence());
		long last = Math.min(toSequence, info.getStreamState().getLastSequence());
		List<DeadLetter> letters = new ArrayList<>();
		for (long sequence = first; sequence <= last && sequence > 0; sequence++) {
			long at = sequence;
			MessageInfo message = call("read message " + at + " of", () -> this.management.getMessage(this.stream, at));
			DeadLetter letter = (message != null) ? letter(at, message) : null;
			if (letter != null) {
				letters.add(letter);
			}
		}
		return letters;
	}

	private static @Nullable DeadLetter letter(long sequence, MessageInfo message) {
		Headers headers = message.getHeaders();
		String stream = (headers != null) ? headers.getFirst(JetStreamDeadLetterSink.HEADER_STREAM) : null;
		String origin = (headers != null) ? headers.getFirst(JetStreamDeadLetterSink.HEADER_SEQUENCE) : null;
		String node = (headers != null) ? headers.getFirst(JetStreamDeadLetterSink.HEADER_NODE) : null;
		if (stream == null || origin == null || node == null) {
			// Not written by a node (e.g. published by hand): nothing says where it belongs.
			return null;
		}
		try {
			String reason = headers.getFirst(JetStreamDeadLetterSink.HEADER_REASON);
			boolean omitted = headers.containsKey(JetStreamDeadLetterSink.HEADER_PAYLOAD_OMITTED);
			byte[] data = message.getData();
			return new DeadLetter(sequence, new StreamPosition(stream, Long.parseLong(origin)), Long.parseLong(node),
					(reason != null) ? reason : "", omitted ? null : ((data != null) ? data : new byte[0]));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public byte @Nullable [] original(StreamPosition origin) {
		ShardSubscriber shard = this.shards.get(origin.stream());
		return (shard != null) ? shard.reassembled(origin.sequence()) : null;
	}

	private <T> @Nullable T call(String action, JetStreamRetry.Call<T> request) {
		String stream = this.stream;
		try {
			return this.retry.call(action + " stream " + stream, request);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NO_MESSAGE_FOUND) {
				return null;
			}
			throw new HarmonyLiteException("Could not " + action + " the dead-letter stream " + stream + ": "
					+ ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not " + action + " the dead-letter stream " + stream + ": "
					+ ex.getMessage() + ". Check the connection to NATS.", ex);
		}
	}

}
