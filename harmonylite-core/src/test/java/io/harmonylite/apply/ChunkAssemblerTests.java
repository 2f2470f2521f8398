package io.harmonylite.apply;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.harmonylite.event.ChunkHeader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reassembly of changes split over several messages, fed chunks directly, with a map standing in for the stream
 * the assembler reads missing chunks back from.
 */
class ChunkAssemblerTests {

	private static final String STREAM = "changes-0";

	private final List<ReceivedMessage> delivered = new CopyOnWriteArrayList<>();

	/** The stream as the assembler may read it back: sequence to message. */
	private final Map<Long, ReceivedMessage> stream = new HashMap<>();

	private final ChunkAssembler assembler = new ChunkAssembler(this.delivered::add, this.stream::get, 10_000, 10_000);

	@Test
	void chunksInterleavedWithOtherMessagesShouldBecomeOneMessageAtTheLastChunksPosition() throws Exception {
		byte[] message = bytes(2500);
		List<ReceivedMessage> chunks = TestChunks.split(STREAM, "1-1-7-7", message, 1000, 1, 3, 4);
		receive(chunks.get(0));
		receive(plain(2));
		receive(chunks.get(1));
		receive(chunks.get(2));
		assertThat(this.delivered).extracting((m) -> m.position().sequence()).containsExactly(1L, 2L, 3L, 4L);
		assertThat(this.delivered.subList(0, 3)).extracting(ReceivedMessage::positionOnly)
			.containsExactly(true, false, true);
		ReceivedMessage whole = this.delivered.get(3);
		assertThat(whole.payload()).isEqualTo(message);
		assertThat(whole.chunk()).isNull();
		assertThat(whole.rejection()).isNull();
		assertThat(whole.origin()).as("its publisher's message id, as for any change")
			.isEqualTo(new MessageOrigin(1, 1, 7, 7));
	}

	@Test
	void lastChunkAfterARestartShouldReadTheEarlierChunksBackFromTheStream() throws Exception {
		byte[] message = bytes(2500);
		List<ReceivedMessage> chunks = TestChunks.split(STREAM, "1-1-7-7", message, 1000, 5, 9, 12);
		chunks.forEach((chunk) -> this.stream.put(chunk.position().sequence(), chunk));
		// The node had applied up to 10 before it restarted: chunks 1 and 2 were delivered to the earlier run.
		receive(chunks.get(2));
		assertThat(this.delivered).singleElement().satisfies((whole) -> {
			assertThat(whole.payload()).isEqualTo(message);
			assertThat(whole.position().sequence()).isEqualTo(12);
		});
	}

	@Test
	void chunksOfAnAttemptThatNeverCompletedShouldOnlyMoveThePosition() throws Exception {
		byte[] message = bytes(2500);
		List<ReceivedMessage> abandoned = TestChunks.split(STREAM, "1-1-7-7", message, 1000, 1, 2, 99);
		List<ReceivedMessage> resent = TestChunks.split(STREAM, "1-1-7-7-r1", message, 1000, 3, 4, 5);
		receive(abandoned.get(0));
		receive(abandoned.get(1));
		resent.forEach(this::receive);
		assertThat(this.delivered).hasSize(5);
		assertThat(this.delivered.subList(0, 4)).allMatch(ReceivedMessage::positionOnly);
		assertThat(this.delivered.get(4).payload()).isEqualTo(message);
	}

	@Test
	void changeWhoseChecksumDoesNotMatchShouldBeRejectedNotDelivered() throws Exception {
		byte[] message = bytes(2500);
		List<ReceivedMessage> chunks = TestChunks.split(STREAM, "1-1-7-7", message, 1000, 1, 2, 3);
		chunks.get(1).payload()[10] ^= 1;
		chunks.forEach(this::receive);
		assertThat(this.delivered.get(2).rejection()).contains("checksum");
		assertThat(this.delivered.get(2).positionOnly()).isFalse();
	}

	@Test
	void changeLargerThanTheLimitShouldBeRejectedWithoutBuffering() throws Exception {
		byte[] message = bytes(25_000);
		List<ReceivedMessage> chunks = TestChunks.split(STREAM, "1-1-7-7", message, 10_000, 1, 2, 3);
		chunks.forEach(this::receive);
		assertThat(this.delivered).hasSize(3)
			.allSatisfy((rejected) -> assertThat(rejected.rejection()).contains("25000 bytes, more than the 10000 bytes"));
	}

	@Test
	void headersClaimingHugeChangesShouldCostOnlyTheBytesThatArrived() throws Exception {
		// Before, each first chunk made the assembler allocate the whole change its header claimed.
		ChunkAssembler generous = new ChunkAssembler(this.delivered::add, this.stream::get, Integer.MAX_VALUE - 16,
				Integer.MAX_VALUE - 16);
		for (int i = 0; i < 50; i++) {
			ChunkHeader forged = new ChunkHeader("forged-" + i, 1, 3, 0, Integer.MAX_VALUE - 16, "00", 0);
			generous.receive(new ReceivedMessage(0, new StreamPosition(STREAM, i + 1), new byte[1000], forged, null));
		}
		assertThat(this.delivered).hasSize(50).allMatch(ReceivedMessage::positionOnly);
	}

	@Test
	void chunksBeyondTheMemoryLimitShouldBeReadBackFromTheStreamWhenTheLastOneComes() throws Exception {
		ChunkAssembler small = new ChunkAssembler(this.delivered::add, this.stream::get, 10_000, 1500);
		byte[] message = bytes(2500);
		List<ReceivedMessage> chunks = TestChunks.split(STREAM, "1-1-7-7", message, 1000, 1, 2, 3);
		chunks.forEach((chunk) -> this.stream.put(chunk.position().sequence(), chunk));
		for (ReceivedMessage chunk : chunks) {
			small.receive(chunk);
		}
		assertThat(this.delivered.get(2).payload()).isEqualTo(message);
	}

	@Test
	void chunkWhoseHeaderContradictsItselfShouldBeRejectedAtOnce() throws Exception {
		ChunkHeader fifthOfThree = new ChunkHeader("k", 5, 3, 0, 100, "00", 7);
		receive(new ReceivedMessage(0, new StreamPosition(STREAM, 1), new byte[10], fifthOfThree, null));
		ChunkHeader negative = new ChunkHeader("k", 1, 2, 0, -5, "00", 0);
		receive(new ReceivedMessage(0, new StreamPosition(STREAM, 2), new byte[10], negative, null));
		assertThat(this.delivered).hasSize(2).allSatisfy((rejected) -> assertThat(rejected.rejection()).isNotNull());
		assertThat(this.delivered.get(0).rejection()).contains("chunk 5 of 3 is out of range");
	}

	@Test
	void changeWhoseEarlierChunkIsAnotherKindOfMessageShouldSaySo() throws Exception {
		List<ReceivedMessage> chunks = TestChunks.split(STREAM, "1-1-7-7", bytes(2000), 1000, 1, 2);
		this.stream.put(1L, plain(1));
		receive(chunks.get(1));
		assertThat(this.delivered).singleElement()
			.satisfies((rejected) -> assertThat(rejected.rejection())
				.contains("chunk 1 of 2 (sequence 1) is missing: sequence 1 holds a message that is not a chunk"));
	}

	@Test
	void chunksThatDoNotTileTheChangeShouldBeRejected() throws Exception {
		byte[] message = bytes(2500);
		List<ReceivedMessage> chunks = TestChunks.split(STREAM, "1-1-7-7", message, 1000, 1, 2, 3);
		ChunkHeader second = chunks.get(1).chunk();
		ChunkHeader shifted = new ChunkHeader(second.changeKey(), 2, 3, 900, second.totalBytes(), second.sha256(),
				second.previousSequence());
		receive(chunks.get(0));
		receive(new ReceivedMessage(0, chunks.get(1).position(), chunks.get(1).payload(), shifted, null));
		receive(chunks.get(2));
		assertThat(this.delivered.get(2).rejection()).contains("do not follow each other");
	}

	@Test
	void changeWhoseEarlierChunkTheStreamNoLongerHoldsShouldBeRejected() throws Exception {
		List<ReceivedMessage> chunks = TestChunks.split(STREAM, "1-1-7-7", bytes(2500), 1000, 5, 9, 12);
		receive(chunks.get(2));
		assertThat(this.delivered).singleElement()
			.satisfies((rejected) -> assertThat(rejected.rejection()).contains("chunk 2 of 3 (sequence 9) is missing"));
	}

	@Test
	void chunkCountBeyondTheLimitShouldBeRejectedBeforeAnythingIsAllocated() throws Exception {
		ChunkHeader hostile = new ChunkHeader("k", ChunkHeader.MAX_CHUNKS + 1, ChunkHeader.MAX_CHUNKS + 1, 0, 1, "00",
				7);
		receive(new ReceivedMessage(0, new StreamPosition(STREAM, 1), new byte[1], hostile, null));
		assertThat(this.delivered).singleElement()
			.satisfies((rejected) -> assertThat(rejected.rejection()).contains("out of range"));
	}

	private void receive(ReceivedMessage message) {
		try {
			this.assembler.receive(message);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ReceivedMessage plain(long sequence) {
		return new ReceivedMessage(0, new StreamPosition(STREAM, sequence), new byte[] { 1 });
	}

	private static byte[] bytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

}
