package io.harmonylite.apply;

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
 * The chunks' bytes are copied into one buffer per change as they arrive. What is missing when the last chunk comes
 * (this node restarted mid-way, or the buffer was evicted) is read back from the stream by following each chunk's
 * link to its predecessor, so nothing needs to survive a restart. A change whose chunks are gone from the stream, do
 * not fit together, exceed the size limit or fail the checksum is passed on with a rejection, for the dead letter,
 * and is never executed. Chunks of an attempt that never completed (its publisher died) only move the position; the
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
	 * @param maxBufferedBytes the most bytes of unfinished changes kept in memory (at least {@code maxChangeBytes});
	 * beyond it the oldest unfinished change is dropped and read back from the stream if it completes
	 */
	public ChunkAssembler(ShardSource.Receiver next, ChunkReader reader, long maxChangeBytes, long maxBufferedBytes) {
		this.next = next;
		this.reader = reader;
		this.maxChangeBytes = maxChangeBytes;
		this.maxBufferedBytes = Math.max(maxBufferedBytes, maxChangeBytes);
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
			// A last chunk that cannot complete anything is the change's one position to reject it at.
			this.next.receive(chunk.isLast() ? rejected(message, chunk, problem) : positionOnly(message, chunk));
			return;
		}
		Assembly assembly = assemblyFor(chunk);
		assembly.add(chunk, message.position().sequence(), message.payload());
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
		Iterator<Assembly> oldest = this.open.values().iterator();
		while (this.bufferedBytes + chunk.totalBytes() > this.maxBufferedBytes && oldest.hasNext()) {
			Assembly evicted = oldest.next();
			logger.debug("Dropping the unfinished {} from memory; it is read back from the stream if it completes",
					evicted.header);
			this.bufferedBytes -= evicted.data.length;
			oldest.remove();
		}
		assembly = new Assembly(chunk);
		this.open.put(chunk.changeKey(), assembly);
		this.bufferedBytes += assembly.data.length;
		return assembly;
	}

	private void forget(String changeKey) {
		Assembly removed = this.open.remove(changeKey);
		if (removed != null) {
			this.bufferedBytes -= removed.data.length;
		}
	}

	/**
	 * Follows the links from the last chunk back to the first, reading from the stream what is not in memory, and
	 * checks the whole.
	 */
	private ReceivedMessage complete(Assembly assembly, ChunkHeader last, ReceivedMessage message) {
		long previous = last.previousSequence();
		for (int index = last.count() - 1; index >= 1; index--) {
			if (assembly.sequences[index - 1] != previous) {
				ReceivedMessage earlier = this.reader.read(previous);
				ChunkHeader header = (earlier != null) ? earlier.chunk() : null;
				String problem = (header == null) ? "the stream no longer holds it"
						: (!header.sameChange(last) || header.index() != index) ? "sequence " + previous + " holds "
								+ header + " instead"
								: header.problem(earlier.payload().length, this.maxChangeBytes);
				if (problem != null) {
					return rejected(message, last, "chunk " + index + " of " + last.count() + " (sequence " + previous
							+ ") is missing: " + problem);
				}
				assembly.add(header, previous, earlier.payload());
			}
			previous = assembly.previous[index - 1];
		}
		String checksum = ChunkHeader.sha256(assembly.data);
		if (!checksum.equals(last.sha256())) {
			return rejected(message, last, "the reassembled change has checksum " + checksum + " but its chunks claim "
					+ last.sha256());
		}
		return new ReceivedMessage(message.shard(), message.position(), assembly.data);
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

	/** One change being reassembled. */
	private static final class Assembly {

		private final ChunkHeader header;

		private final byte[] data;

		/** Per chunk index - 1: the sequence it was read at, 0 while missing. */
		private final long[] sequences;

		/** Per chunk index - 1: the sequence of its predecessor. */
		private final long[] previous;

		Assembly(ChunkHeader header) {
			this.header = header;
			this.data = new byte[(int) header.totalBytes()];
			this.sequences = new long[header.count()];
			this.previous = new long[header.count()];
		}

		void add(ChunkHeader chunk, long sequence, byte[] bytes) {
			System.arraycopy(bytes, 0, this.data, (int) chunk.offset(), bytes.length);
			this.sequences[chunk.index() - 1] = sequence;
			this.previous[chunk.index() - 1] = chunk.previousSequence();
		}

	}

}
