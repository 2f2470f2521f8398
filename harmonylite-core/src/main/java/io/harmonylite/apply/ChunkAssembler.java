package io.harmonylite.apply;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.harmonylite.event.ChunkHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reassembles the changes a publisher split over several messages of one shard stream, between a {@link ShardSource}
 * and its receiver. Every chunk but the last is passed on without its payload, so that it only moves the position;
 * the last one is passed on as the whole change at its own position, so the change is applied once, in one
 * transaction with that position, however the chunks interleave with other nodes' messages.
 * <p>
 * The chunks' bytes are kept as they arrive, up to a limit on the bytes of unfinished changes, and joined when the last
 * chunk comes; memory follows what arrived, never the size a header claims. What is missing then (this node restarted
 * mid-way, or the bytes were dropped for the limit) is read back from the stream by following each chunk's link to its
 * predecessor, so nothing needs to survive a restart. A change whose chunks are gone from the stream, do
 * not fit together, exceed the size limit or fail the checksum is passed on with a rejection, for the dead letter,
 * and is never executed; so is a chunk whose header contradicts itself. Chunks of an attempt that never completed (its publisher died) only move the position; the
 * re-sent change is assembled from its own chunks (or from the earlier attempt's identical chunks that JetStream kept
 * in place of duplicates).
 *
 * @since 0.1.0
 */
public final class ChunkAssembler implements ShardSource.Receiver {

	private static final Logger logger = LoggerFactory.getLogger(ChunkAssembler.class);

	private static final byte[] NO_PAYLOAD = new byte[0];

	private final ShardSource.Receiver next;

	private final ChunkReader reader;

	private final long maxChangeBytes;

	private final long maxBufferedBytes;

	/** Changes being assembled, oldest first. */
	private final Map<String, Assembly> open = new LinkedHashMap<>();

	private long bufferedBytes;

	/**
	 * Creates an assembler for one delivery of one shard.
	 * @param next receives whole messages
	 * @param reader reads earlier chunks back from the stream
	 * @param maxChangeBytes the largest whole change accepted
	 * @param maxBufferedBytes the most bytes of unfinished changes kept in memory;
	 * beyond it the oldest unfinished change is dropped and read back from the stream if it completes
	 */
	public ChunkAssembler(ShardSource.Receiver next, ChunkReader reader, long maxChangeBytes, long maxBufferedBytes) {
		this.next = next;
		this.reader = reader;
		this.maxChangeBytes = maxChangeBytes;
		this.maxBufferedBytes = maxBufferedBytes;
	}

	@Override
	public void receive(ReceivedMessage message) throws InterruptedException {
		ChunkHeader chunk = message.chunk();
		if (chunk == null) {
			this.next.receive(message);
			return;
		}
		String problem = chunk.problem(message.payload().length, this.maxChangeBytes);
		if (problem != null) {
			// No publisher writes such a chunk: it goes to the dead letter itself, and so does its change's last
			// chunk, which cannot read it back.
			this.next.receive(rejected(message, chunk, problem));
			return;
		}
		Assembly assembly = assemblyFor(chunk);
		add(assembly, chunk, message.position().sequence(), message.payload());
		if (!chunk.isLast()) {
			this.next.receive(positionOnly(message, chunk));
			return;
		}
		forget(chunk.changeKey());
		this.next.receive(complete(assembly, chunk, message));
	}

	private Assembly assemblyFor(ChunkHeader chunk) {
		Assembly assembly = this.open.get(chunk.changeKey());
		if (assembly != null && assembly.header.sameChange(chunk)) {
			return assembly;
		}
		forget(chunk.changeKey());
		assembly = new Assembly(chunk);
		this.open.put(chunk.changeKey(), assembly);
		return assembly;
	}

	/**
	 * Keeps a chunk's bytes in memory, as far as the limit allows: the oldest other unfinished changes are dropped
	 * first, then this chunk's bytes are not kept; whatever is dropped is read back from the stream if its change
	 * completes. Memory follows the bytes received, never the size a header claims.
	 */
	private void add(Assembly assembly, ChunkHeader chunk, long sequence, byte[] bytes) {
		Iterator<Assembly> oldest = this.open.values().iterator();
		while (this.bufferedBytes + bytes.length > this.maxBufferedBytes && oldest.hasNext()) {
			Assembly evicted = oldest.next();
			if (evicted != assembly) {
				logger.debug("Dropping the unfinished {} from memory; it is read back from the stream if it completes",
						evicted.header);
				this.bufferedBytes -= evicted.bytes;
				oldest.remove();
			}
		}
		boolean keep = this.bufferedBytes + bytes.length <= this.maxBufferedBytes;
		this.bufferedBytes += assembly.add(chunk, sequence, keep ? bytes : null);
	}

	private void forget(String changeKey) {
		Assembly removed = this.open.remove(changeKey);
		if (removed != null) {
			this.bufferedBytes -= removed.bytes;
		}
	}

	/**
	 * Follows the links from the last chunk back to the first, reading from the stream what is not in memory, and
	 * checks the whole.
	 */
	private ReceivedMessage complete(Assembly assembly, ChunkHeader last, ReceivedMessage message) {
		assembly.pieces.put(last.count(), new Piece(message.position().sequence(), last.previousSequence(),
				last.offset(), message.payload()));
		long previous = last.previousSequence();
		for (int index = last.count() - 1; index >= 1; index--) {
			Piece piece = assembly.pieces.get(index);
			if (piece == null || piece.sequence != previous || piece.bytes == null) {
				ReceivedMessage earlier = this.reader.read(previous);
				ChunkHeader header = (earlier != null) ? earlier.chunk() : null;
				String problem = (earlier == null) ? "the stream no longer holds it"
						: (header == null) ? "sequence " + previous + " holds a message that is not a chunk"
								: (!header.sameChange(last) || header.index() != index) ? "sequence " + previous
										+ " holds " + header + " instead"
										: header.problem(earlier.payload().length, this.maxChangeBytes);
				if (problem != null) {
					return rejected(message, last, "chunk " + index + " of " + last.count() + " (sequence " + previous
							+ ") is missing: " + problem);
				}
				piece = new Piece(previous, header.previousSequence(), header.offset(), earlier.payload());
				assembly.pieces.put(index, piece);
			}
			previous = piece.previous;
		}
		byte[] data = assembly.join(last.totalBytes());
		if (data == null) {
			return rejected(message, last, "its chunks do not follow each other without gaps or overlaps");
		}
		String checksum = ChunkHeader.sha256(data);
		if (!checksum.equals(last.sha256())) {
			return rejected(message, last, "the reassembled change has checksum " + checksum + " but its chunks claim "
					+ last.sha256());
		}
		// The change key is the message id its publisher would have given the change as one message.
		return new ReceivedMessage(message.shard(), message.position(), data, null, null,
				MessageOrigin.parse(last.changeKey()), message.storedAt());
	}

	private static ReceivedMessage positionOnly(ReceivedMessage message, ChunkHeader chunk) {
		return new ReceivedMessage(message.shard(), message.position(), NO_PAYLOAD, chunk, null);
	}

	private static ReceivedMessage rejected(ReceivedMessage message, ChunkHeader chunk, String problem) {
		return new ReceivedMessage(message.shard(), message.position(), message.payload(), null,
				"change split into " + chunk.count() + " messages (key " + chunk.changeKey() + ", "
						+ chunk.totalBytes() + " bytes) cannot be reassembled: " + problem);
	}

	/**
	 * Reads one message of the shard stream back, with its chunk header.
	 */
	@FunctionalInterface
	public interface ChunkReader {

		/**
		 * Reads the message at a sequence.
		 * @param sequence the stream sequence
		 * @return the message, {@code null} when the stream no longer holds it
		 * @throws io.harmonylite.HarmonyLiteException if the stream cannot be read
		 */
		@Nullable ReceivedMessage read(long sequence);

	}

	/** One chunk: where it is in the stream and in the change, and its bytes unless they were not kept. */
	private record Piece(long sequence, long previous, long offset, byte @Nullable [] bytes) {
	}

	/** One change being reassembled: the chunks received so far, by index. */
	private static final class Assembly {

		private final ChunkHeader header;

		private final Map<Integer, Piece> pieces = new HashMap<>();

		/** The bytes of the chunks kept in memory. */
		private long bytes;

		Assembly(ChunkHeader header) {
			this.header = header;
		}

		/**
		 * Adds a chunk.
		 * @return how many more bytes it holds in memory (negative when the chunk replaces a larger one)
		 */
		long add(ChunkHeader chunk, long sequence, byte @Nullable [] data) {
			Piece replaced = this.pieces.put(chunk.index(),
					new Piece(sequence, chunk.previousSequence(), chunk.offset(), data));
			long change = length(data) - ((replaced != null) ? length(replaced.bytes) : 0);
			this.bytes += change;
			return change;
		}

		/** The whole change, {@code null} when the chunks do not tile it exactly. */
		byte @Nullable [] join(long totalBytes) {
			long offset = 0;
			for (int index = 1; index <= this.header.count(); index++) {
				Piece piece = this.pieces.get(index);
				if (piece == null || piece.bytes == null || piece.offset != offset) {
					return null;
				}
				offset += piece.bytes.length;
			}
			if (offset != totalBytes) {
				return null;
			}
			byte[] data = new byte[(int) totalBytes];
			this.pieces.values().forEach((piece) -> System.arraycopy(piece.bytes, 0, data, (int) piece.offset,
					piece.bytes.length));
			return data;
		}

		private static long length(byte @Nullable [] data) {
			return (data != null) ? data.length : 0;
		}

	}

}
