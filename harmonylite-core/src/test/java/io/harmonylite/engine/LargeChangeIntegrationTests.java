package io.harmonylite.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.ChunkHeader;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.nats.ChunkHeaders;
import io.harmonylite.nats.JetStreamDeadLetterSink;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Changes larger than the server's {@code max_payload} (64 KiB here, so that chunking is cheap), on a real
 * nats-server and real SQLite files: split into chunks and reassembled byte for byte, applied exactly once across a
 * restart in the middle of a change, dead-lettered when corrupt, and reported when they cannot be sent at all.
 */
class LargeChangeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final int MAX_PAYLOAD = 64 * 1024;

	private static final String FILES = "CREATE TABLE files (id INTEGER PRIMARY KEY, data BLOB)";

	@RegisterExtension
	static final NatsServerExtension server = NatsServerExtension.withServer("max_payload: " + MAX_PAYLOAD);

	@RegisterExtension
	final TestNodes nodes = new TestNodes(server, "t");

	@Test
	void blobSeveralTimesTheServersPayloadLimitShouldReplicateByteIdentical() {
		TestDatabase first = this.nodes.database(1, FILES);
		TestDatabase second = this.nodes.database(2, FILES);
		this.nodes.start(1, first);
		this.nodes.start(2, second);
		first.execute("INSERT INTO files VALUES (1, randomblob(" + 5 * MAX_PAYLOAD + "))",
				"INSERT INTO files VALUES (2, x'0102')",
				"UPDATE files SET data = randomblob(" + 8 * MAX_PAYLOAD + ") WHERE id = 1");
		// Each row as its id, the hash and length of its bytes.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(second.rows("SELECT id, data FROM files ORDER BY id"))
				.isEqualTo(first.rows("SELECT id, data FROM files ORDER BY id")));
		assertThat(second.rows("SELECT typeof(data), length(data) FROM files WHERE id = 1"))
			.containsExactly("blob|" + 8 * MAX_PAYLOAD);
		assertThat(second.rows("SELECT hex(data) FROM files WHERE id = 1")
			.equals(first.rows("SELECT hex(data) FROM files WHERE id = 1"))).as("byte-identical").isTrue();
		assertThat(this.nodes.engines().get(0).status().failedChanges()).isZero();
		assertThat(this.nodes.engines().get(1).status().state()).isEqualTo(NodeState.RUNNING);
	}

	@Test
	void nodeRestartedMidWayThroughAChunkedChangeShouldApplyItOnceFromTheChunksInTheStream() throws Exception {
		TestDatabase db = this.nodes.database(2, FILES);
		HarmonyLiteEngine node = this.nodes.start(2, db);
		ReplicationConfig replication = node.config().replication();
		String hash = node.status().schema().hash();
		byte[] blob = randomBytes(3 * MAX_PAYLOAD);
		byte[] message = codec().encode(insert(1, blob, hash));
		try (Connection nats = Nats.connect(server.url())) {
			// A publisher that died after two of its chunks, then its retry under a new key: three chunks of it get
			// to the stream before this node stops, with another change after them.
			RawChunks abandoned = new RawChunks(nats, replication.subject(0), "9-1-1-1", message);
			abandoned.publish(2);
			RawChunks resent = new RawChunks(nats, replication.subject(0), "9-1-1-1-r1", message);
			resent.publish(resent.count() - 1);
			long other = nats.jetStream()
				.publish(replication.subject(0), codec().encode(insert(2, new byte[] { 7 }, hash)))
				.getSeqno();
			await().atMost(TIMEOUT).until(() -> node.status().shards().get(0).appliedSequence() == other);
			assertThat(db.rows("SELECT id FROM files")).containsExactly("2");
			node.close();

			resent.publish(1);
			HarmonyLiteEngine restarted = this.nodes.start(2, db);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows("SELECT id, hex(data) FROM files ORDER BY id"))
				.containsExactly("1|" + hex(blob), "2|07"));
			assertThat(restarted.status().counters().appliedByTable()).containsEntry("files", 1L);
			assertThat(restarted.status().counters().deadLetters()).isZero();
		}
	}

	@Test
	void changeWithACorruptChunkShouldBeDeadLetteredNeverExecutedAndLaterChangesApplied() throws Exception {
		TestDatabase db = this.nodes.database(2, FILES);
		HarmonyLiteEngine node = this.nodes.start(2, db);
		ReplicationConfig replication = node.config().replication();
		String hash = node.status().schema().hash();
		try (Connection nats = Nats.connect(server.url())) {
			RawChunks corrupt = new RawChunks(nats, replication.subject(0), "9-1-1-1",
					codec().encode(insert(1, randomBytes(2 * MAX_PAYLOAD), hash)));
			corrupt.flipByte(MAX_PAYLOAD + 10);
			long last = corrupt.publish(corrupt.count());
			nats.jetStream().publish(replication.subject(0), codec().encode(insert(2, new byte[] { 7 }, hash)));
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows("SELECT id FROM files")).containsExactly("2"));

			List<Message> dead = this.nodes.deadLetters(nats, 10, Duration.ofSeconds(10));
			assertThat(dead).singleElement().satisfies((letter) -> {
				assertThat(letter.getHeaders().getFirst(JetStreamDeadLetterSink.HEADER_SEQUENCE))
					.isEqualTo(Long.toString(last));
				assertThat(letter.getHeaders().getFirst(JetStreamDeadLetterSink.HEADER_REASON)).contains("checksum");
			});
			assertThat(node.status().counters().deadLetters()).isEqualTo(1);
		}
	}

	@Test
	void changeTooLargeForTheServerWhileAnOlderNodeIsLiveShouldBeReportedWithItsTableAndKey() {
		TestDatabase first = this.nodes.database(1, FILES);
		TestDatabase second = this.nodes.database(2, FILES);
		// Node 2 runs the previous release's wire format: it cannot reassemble chunks, so node 1 must not send any.
		this.nodes.start(HarmonyLiteEngine.builder(this.nodes.config(2, second))
			.wireFormat(ChangeEventCodec.FORMAT_VERSIONED));
		HarmonyLiteEngine node = this.nodes.start(1, first);
		first.execute("INSERT INTO files VALUES (41, randomblob(" + 2 * MAX_PAYLOAD + "))",
				"INSERT INTO files VALUES (42, x'0102')");
		await().atMost(TIMEOUT).until(() -> node.status().state() == NodeState.PUBLISH_FAILED);
		EngineStatus status = node.status();
		assertThat(status.failedChanges()).isEqualTo(1);
		assertThat(status.counters().publishRejected()).isEqualTo(1);
		assertThat(status.recentFailedChanges()).singleElement().satisfies((failed) -> {
			assertThat(failed.table()).isEqualTo("files");
			assertThat(failed.key()).isEqualTo("[41]");
			assertThat(failed.reason()).contains("upgrade the older nodes");
		});
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(second.rows("SELECT id FROM files")).containsExactly("42"));
	}

	private static ChangeEventCodec codec() {
		return new ChangeEventCodec(false);
	}

	private static ChangeEvent insert(long id, byte[] data, String hash) {
		long now = System.currentTimeMillis();
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		row.put("id", id);
		row.put("data", data);
		return new ChangeEvent(9, id, "files", Operation.INSERT, row, List.of("id"), now, hash, Version.hlcOf(now),
				null);
	}

	private static byte[] randomBytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

	private static String hex(byte[] bytes) {
		return java.util.HexFormat.of().withUpperCase().formatHex(bytes);
	}

	/** Publishes a message's chunks one at a time, as a publisher would, each linked to the one before. */
	private static final class RawChunks {

		private static final int SIZE = MAX_PAYLOAD - 1024;

		private final Connection nats;

		private final String subject;

		private final String key;

		private final byte[] message;

		private final String checksum;

		private long previous;

		private int next = 1;

		RawChunks(Connection nats, String subject, String key, byte[] message) {
			this.nats = nats;
			this.subject = subject;
			this.key = key;
			this.message = message.clone();
			this.checksum = ChunkHeader.sha256(message);
		}

		int count() {
			return (this.message.length + SIZE - 1) / SIZE;
		}

		/** Corrupts the bytes to send; the checksum stays that of the original. */
		void flipByte(int offset) {
			this.message[offset] ^= 1;
		}

		/** Publishes the next chunks and returns the last one's sequence. */
		long publish(int chunks) throws Exception {
			for (int i = 0; i < chunks; i++, this.next++) {
				int offset = (this.next - 1) * SIZE;
				ChunkHeader chunk = new ChunkHeader(this.key, this.next, count(), offset, this.message.length,
						this.checksum, this.previous);
				Headers headers = new Headers();
				headers.put(NatsJetStreamConstants.MSG_ID_HDR, this.key + "-c" + this.next);
				ChunkHeaders.write(chunk, headers);
				this.previous = this.nats.jetStream()
					.publish(this.subject, headers,
							Arrays.copyOfRange(this.message, offset, Math.min(this.message.length, offset + SIZE)))
					.getSeqno();
			}
			return this.previous;
		}

	}

}
