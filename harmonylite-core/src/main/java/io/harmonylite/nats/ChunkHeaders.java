package io.harmonylite.nats;

import io.harmonylite.event.ChunkHeader;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The NATS headers that carry a {@link ChunkHeader}, readable with {@code nats stream get}.
 *
 * @since 0.1.0
 */
public final class ChunkHeaders {

	/** Header: the change (and publish attempt) the chunk belongs to. */
	public static final String CHANGE = "HarmonyLite-Chunk-Of";

	/** Header: {@code <index>/<count>}, 1-based. */
	public static final String CHUNK = "HarmonyLite-Chunk";

	/** Header: where the chunk's bytes start in the whole message. */
	public static final String OFFSET = "HarmonyLite-Chunk-Offset";

	/** Header: the whole message's size in bytes. */
	public static final String TOTAL = "HarmonyLite-Chunk-Total";

	/** Header: the SHA-256 of the whole message, hex. */
	public static final String SHA256 = "HarmonyLite-Chunk-Sha256";

	/** Header: the stream sequence of the previous chunk; absent on the first. */
	public static final String PREVIOUS = "HarmonyLite-Chunk-Previous";

	/** Room left for the headers of a chunk (message id, expected stream and the above) below the payload limit. */
	static final int HEADER_ROOM = 1024;

	private ChunkHeaders() {
	}

	/**
	 * Adds the headers of a chunk.
	 * @param chunk the chunk
	 * @param headers the message's headers
	 */
	public static void write(ChunkHeader chunk, Headers headers) {
		headers.put(CHANGE, chunk.changeKey());
		headers.put(CHUNK, chunk.index() + "/" + chunk.count());
		headers.put(OFFSET, Long.toString(chunk.offset()));
		headers.put(TOTAL, Long.toString(chunk.totalBytes()));
		headers.put(SHA256, chunk.sha256());
		if (chunk.previousSequence() > 0) {
			headers.put(PREVIOUS, Long.toString(chunk.previousSequence()));
		}
	}

	/**
	 * Reads the chunk header of a message.
	 * @param headers the message's headers
	 * @return the chunk header, {@code null} when the message is not a chunk
	 * @throws IllegalArgumentException when the headers are malformed
	 */
	static @Nullable ChunkHeader read(@Nullable Headers headers) {
		String change = (headers != null) ? headers.getFirst(CHANGE) : null;
		if (change == null) {
			return null;
		}
		String chunk = required(headers, CHUNK);
		int slash = chunk.indexOf('/');
		if (slash < 0) {
			throw new IllegalArgumentException(CHUNK + " is '" + chunk + "', expected <index>/<count>");
		}
		String previous = headers.getFirst(PREVIOUS);
		return new ChunkHeader(change, Integer.parseInt(chunk.substring(0, slash)),
				Integer.parseInt(chunk.substring(slash + 1)), Long.parseLong(required(headers, OFFSET)),
				Long.parseLong(required(headers, TOTAL)), required(headers, SHA256),
				(previous != null) ? Long.parseLong(previous) : 0);
	}

	private static String required(Headers headers, String name) {
		String value = headers.getFirst(name);
		if (value == null) {
			throw new IllegalArgumentException("header " + name + " is missing");
		}
		return value;
	}

}
