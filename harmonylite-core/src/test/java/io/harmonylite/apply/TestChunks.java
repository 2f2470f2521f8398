package io.harmonylite.apply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.harmonylite.event.ChunkHeader;

/**
 * Splits a message into chunks as the publisher does, at given stream sequences, for tests without NATS.
 */
final class TestChunks {

	private TestChunks() {
	}

	/**
	 * The chunks of a message.
	 * @param stream the stream they are stored in
	 * @param key the change key
	 * @param message the whole message
	 * @param size the most bytes per chunk
	 * @param sequences the stream sequence of each chunk, in order; their number must fit the chunks
	 * @return the chunks, in order
	 */
	static List<ReceivedMessage> split(String stream, String key, byte[] message, int size, long... sequences) {
		int count = (message.length + size - 1) / size;
		if (count != sequences.length) {
			throw new IllegalArgumentException(message.length + " bytes make " + count + " chunks of " + size
					+ ", not " + sequences.length);
		}
		String checksum = ChunkHeader.sha256(message);
		List<ReceivedMessage> chunks = new ArrayList<>();
		for (int index = 1; index <= count; index++) {
			int offset = (index - 1) * size;
			ChunkHeader header = new ChunkHeader(key, index, count, offset, message.length, checksum,
					(index == 1) ? 0 : sequences[index - 2]);
			chunks.add(new ReceivedMessage(0, new StreamPosition(stream, sequences[index - 1]),
					Arrays.copyOfRange(message, offset, Math.min(message.length, offset + size)), header, null));
		}
		return chunks;
	}

}
