package io.harmonylite.replicate;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.capture.RecordedChanges;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.ChunkHeader;
import io.harmonylite.event.Operation;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The publisher against a real change log and a stand-in for a JetStream stream that stores what it acknowledges and
 * drops a message id it has already stored, as JetStream's duplicate window does.
 */
class ChangePublisherTests {

	@TempDir
	Path directory;

	private Connection connection;

	private Connection publisherConnection;

	private ChangeLogReader reader;

	private final ChangeEventCodec codec = new ChangeEventCodec(true);

	private final FakeStream stream = new FakeStream();

	private final AtomicInteger format = new AtomicInteger(ChangeEventCodec.FORMAT_VERSIONED);

	private ChangePublisher publisher;

	/** How many changes the recorder handed over to the publisher, instead of letting it read them from the log. */
	private final AtomicInteger handedOver = new AtomicInteger();

	private Thread thread;

	private LocalChangeRecorder recorder;

	@BeforeEach
	void open() throws Exception {
		this.connection = SqliteConnections.open(this.directory.resolve("app.db"));
		execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		this.publisherConnection = SqliteConnections.open(this.directory.resolve("app.db"));
		this.reader = new ChangeLogReader(this.publisherConnection, 1);
		this.recorder = new LocalChangeRecorder(this.publisherConnection,
				new ConflictSettings(1, Duration.ofSeconds(10)), Clock.systemUTC(), new ConflictStats());
		ChangeRecorder counting = (after, limit) -> {
			RecordedChanges recorded = this.recorder.recordPending(after, limit);
			this.handedOver.addAndGet((recorded.changes() != null) ? recorded.changes().size() : 0);
			return recorded;
		};
		this.publisher = publisher(counting);
	}

	private ChangePublisher publisher(ChangeRecorder changeRecorder) {
		return new ChangePublisher(this.reader, this.stream, new ShardRouter(1), this.codec, changeRecorder,
				new PublishedMarks(new ChangeLogReader(this.publisherConnection, 1), 1, PublishedMarks.DEFAULT_INTERVAL),
				this.format::get, () -> "hash", new ReentrantLock(), 1, 1000, 16,
				Duration.ofMillis(20));
	}

	@AfterEach
	void close() throws Exception {
		this.publisher.stop();
		if (this.thread != null) {
			this.thread.join(10_000);
		}
		this.publisherConnection.close();
		this.connection.close();
	}

	@Test
	void everyChangeShouldBeStoredOnceWhenEveryPublishIsAcknowledged() throws Exception {
		writeOneTransaction(300);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.stream.storedChangeIds()).hasSize(300).doesNotHaveDuplicates();
		assertThat(this.stream.replayedValues()).containsEntry(1L, "newest");
	}

	@Test
	void changesSentBeforeTheyAreRecordedShouldBeMarkedPublishedOnlyOnceRecordedWithTheVersionsSent()
			throws Exception {
		// The recorder hands changes over unrecorded, to be recorded once sent; recording fails twice (the write lock
		// held by another process): after the send, and again before the acknowledged round would be marked.
		AtomicInteger recordingFailures = new AtomicInteger(2);
		List<Long> recordedWhenSent = new ArrayList<>();
		this.publisher = publisher(new ChangeRecorder() {

			@Override
			public RecordedChanges recordPending(long after, int limit) {
				failWhileAsked(recordingFailures);
				return ChangePublisherTests.this.recorder.recordPending(after, limit);
			}

			@Override
			public RecordedChanges pendingToPublish(long after, int limit) {
				RecordedChanges pending = ChangePublisherTests.this.recorder.pendingToPublish(after, limit);
				if (!pending.recorded()) {
					ChangePublisherTests.this.handedOver.incrementAndGet();
				}
				return pending;
			}

			@Override
			public long recordSent(long after, List<CapturedChange> sent) {
				recordedWhenSent.add((long) ChangePublisherTests.this.stream.calls());
				failWhileAsked(recordingFailures);
				return ChangePublisherTests.this.recorder.recordSent(after, sent);
			}

		});
		writeOneTransaction(10);
		startPublisher();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.handedOver).as("handed over unrecorded").hasPositiveValue();
		assertThat(recordedWhenSent).as("recorded after the send").isNotEmpty().allMatch((calls) -> calls >= 1);
		assertThat(this.stream.calls()).as("sent again after the failed recordings").isGreaterThan(1);
		// Sent again under new message ids: stored twice, with the same versions.
		assertThat(this.stream.storedChangeIds()).containsAll(allChangeIds(10));
		Map<Long, Long> published = new HashMap<>();
		this.stream.events().forEach((event) -> published.put(event.changeId(), event.hlc()));
		assertThat(changeLogVersions()).as("recorded with the versions published").isEqualTo(published);
		assertThat(count("SELECT count(*) FROM \"" + SchemaReader.INTERNAL_PREFIX + "row_version\""))
			.as("the version state holds the 9 rows written").isEqualTo(9);
	}

	private static void failWhileAsked(AtomicInteger failures) {
		if (failures.getAndDecrement() > 0) {
			throw new IllegalStateException("database is locked");
		}
	}

	/** Change id to the version the change log holds for it. */
	private Map<Long, Long> changeLogVersions() throws SQLException {
		Map<Long, Long> versions = new HashMap<>();
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id, ver FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\"")) {
			while (rows.next()) {
				versions.put(rows.getLong(1), rows.getLong(2));
			}
		}
		return versions;
	}

	private long count(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	@Test
	void aLaterMessageStoredBeforeAFailedOneShouldBeStoredAgainBehindItSoThatTheNewestChangeStillWins()
			throws Exception {
		// 300 changes of one shard travel as two messages (256 + 44): row 1 is inserted in the first and updated in
		// the second. The first publish fails, the second is stored; the retry must not leave the old value last.
		writeOneTransaction(300);
		this.stream.failFirstPublish.set(true);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.stream.replayedValues()).containsEntry(1L, "newest").hasSize(299);
		assertThat(this.stream.storedChangeIds()).containsAll(allChangeIds(300));
	}

	@Test
	void newLocalChangesShouldNotCutTheBackoffAfterAFailedRoundShort() throws Exception {
		writeOneTransaction(10);
		this.stream.failAll.set(true);
		startPublisher();

		// Local writes signal the publisher all the time; for 1.5 s the failing rounds back off 100, 200, 400, 800 ms.
		await().pollInterval(Duration.ofMillis(10)).during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
			.until(() -> {
				this.publisher.signal();
				return true;
			});

		assertThat(this.stream.calls()).isBetween(1, 6);
		this.stream.failAll.set(false);
		this.publisher.retryNow();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.reader.pendingCount() == 0);
	}

	@Test
	void retryNowShouldSendARoundAgainWithoutWaitingForItsAcknowledgementToTimeOut() throws Exception {
		sendTenChangesWhoseFirstMessageIsNeverAcknowledged();

		this.publisher.retryNow();

		// Far sooner than the 30 s acknowledgement timeout.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.stream.storedChangeIds()).containsExactlyInAnyOrderElementsOf(allChangeIds(10));
	}

	@Test
	void messageLostOnTheWayShouldBeSentAgainWhenJetStreamAnswersLongAfterIt() throws Exception {
		sendTenChangesWhoseFirstMessageIsNeverAcknowledged();

		// JetStream answers the node's other requests all along (a route that died took the message with it).
		await().atMost(Duration.ofSeconds(15)).until(() -> {
			this.publisher.answered();
			return this.reader.pendingCount() == 0;
		});

		// Sooner than the 30 s acknowledgement timeout.
		assertThat(this.stream.storedChangeIds()).containsExactlyInAnyOrderElementsOf(allChangeIds(10));
	}

	@Test
	void messagesStoredInARoundThatEndedWithAnExceptionShouldBeStoredAgainBehindTheFailedOne() throws Exception {
		// Three messages (256 + 256 + 88 changes); row 1 is inserted in the first and updated in the second. The first
		// is not acknowledged, the second is stored, and sending the third throws: the round is over, and the retry
		// must not leave the first one last.
		writeOneTransaction(600, 300);
		this.stream.failFirstPublish.set(true);
		this.stream.throwOnPublish.set(3);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.stream.replayedValues()).containsEntry(1L, "newest").hasSize(599);
	}

	@Test
	void nextRoundShouldBeSentWhileThePreviousOneAwaitsItsAcknowledgements() throws Exception {
		// 1,300 changes: a round of 1,000 (four messages), then one of 300. The first message's acknowledgement is
		// held back: the second round is sent all the same.
		writeOneTransaction(1300);
		this.stream.holdFirstAcknowledgement.set(true);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.stream.calls() == 6);
		assertThat(this.reader.pendingCount()).isEqualTo(1300);

		this.stream.releaseHeldAcknowledgement();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.stream.storedChangeIds()).hasSize(1300).doesNotHaveDuplicates();
	}

	@Test
	void changesRecordedTogetherShouldBeSentRoundAfterRoundWithoutBeingReadFromTheLogAgain() throws Exception {
		writeOneTransaction(5000);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.handedOver).as("recorded in one chunk, handed over whole").hasValue(5000);
		assertThat(this.stream.storedChangeIds()).hasSize(5000).doesNotHaveDuplicates();
		assertThat(this.stream.replayedValues()).containsEntry(1L, "newest");
	}

	@Test
	void commitMadeWhileASmallRoundAwaitsItsAcknowledgementShouldBeSentWithoutWaitingForIt() throws Exception {
		// No backlog: one change, whose acknowledgement is held back; a commit made meanwhile is sent all the same,
		// rather than after the round before it is acknowledged (which added a round trip to the lag at low rates).
		writeOneTransaction(1);
		this.stream.holdFirstAcknowledgement.set(true);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.stream.calls() == 1);

		execute("INSERT INTO t VALUES (100000, 'while the first round is in flight')");
		this.publisher.signal();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.stream.calls() == 2);
		assertThat(this.reader.pendingCount()).isEqualTo(2);
		this.stream.releaseHeldAcknowledgement();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.stream.storedChangeIds()).hasSize(2).doesNotHaveDuplicates();
	}

	@Test
	void roundsInFlightBehindAFailedMessageShouldBeStoredAgainWhenSendingALaterRoundThrows() throws Exception {
		// Rounds of 1,000 changes (four messages each): row 1 is inserted in the first round, whose first message is
		// not acknowledged, and updated in the second; the third round is stored too, and sending the fourth throws.
		// The second and third rounds must not be marked published: sent again behind the first, the update stays last.
		writeOneTransaction(3500, 1500);
		this.stream.failFirstPublish.set(true);
		this.stream.throwOnPublish.set(13);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.stream.replayedValues()).containsEntry(1L, "newest").hasSize(3499);
		assertThat(this.stream.storedChangeIds()).containsAll(allChangeIds(3500));
	}

	@Test
	void roundSentBehindAFailedOneShouldBeStoredAgainBehindItSoThatTheNewestChangeStillWins() throws Exception {
		// Row 1 is inserted in the first round (1,000 changes) and updated in the second, which is sent before the
		// first round's failed message is known: the second round must be sent again behind the first.
		writeOneTransaction(1300, 1200);
		this.stream.failFirstPublish.set(true);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.stream.replayedValues()).containsEntry(1L, "newest").hasSize(1299);
		assertThat(this.stream.storedChangeIds()).containsAll(allChangeIds(1300));
	}

	@Test
	void changeTooLargeForAnyNodeToDecodeShouldBeMarkedFailedAndTheNextOnesPublished() throws Exception {
		// Compressed, 70 MB of one letter is a few kilobytes: small enough to send, too large for any node to decode.
		execute("INSERT INTO t VALUES (1, printf('%.*c', 70000000, 'x'))");
		execute("INSERT INTO t VALUES (2, 'after the large one')");
		startPublisher();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.reader.failedCount()).isEqualTo(1);
		assertThat(this.stream.replayedValues()).containsOnlyKeys(2L);
	}

	@Test
	void changeWhoseKeyIsNullShouldBeMarkedFailedNamingTheColumnAndTheNextOnesPublished() throws Exception {
		// SQLite accepts NULL in the key of a rowid table that is not an INTEGER PRIMARY KEY.
		execute("CREATE TABLE n (k TEXT PRIMARY KEY, v TEXT)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		execute("INSERT INTO n VALUES (NULL, 'no key')");
		execute("INSERT INTO t VALUES (2, 'after it')");
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.reader.failedCount()).isEqualTo(1);
		assertThat(this.stream.replayedValues()).containsOnlyKeys(2L);
		assertThat(this.publisher.stats().recentRejections()).singleElement()
			.satisfies((rejected) -> assertThat(rejected.reason()).contains("'k' is NULL", "NOT NULL"));
	}

	@Test
	void changeHoldingTextThatIsNotUtf8ShouldBeMarkedFailedNamingTheColumnRatherThanSentAltered() throws Exception {
		// SQLite keeps any bytes as TEXT; a Java string would carry them with replacement characters.
		execute("INSERT INTO t VALUES (1, CAST(x'fffe41c3' AS TEXT))");
		execute("INSERT INTO t VALUES (2, 'a real replacement character: \uFFFD')");
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.reader.failedCount()).isEqualTo(1);
		assertThat(this.stream.replayedValues()).containsOnlyKeys(2L);
		assertThat(this.stream.replayedValues().get(2L)).isEqualTo("a real replacement character: \uFFFD");
		assertThat(this.publisher.stats().recentRejections()).singleElement()
			.satisfies((rejected) -> assertThat(rejected.reason()).contains("column 'v'", "not valid UTF-8",
					"x'FFFE41C3'", "BLOB"));
	}

	@Test
	void keyChangeToTextThatIsNotUtf8ShouldBeRefusedWholeSoThatNoNodeLosesTheRow() throws Exception {
		changeKey("CAST(x'fd' AS TEXT)");
		execute("INSERT INTO t VALUES (2, 'after it')");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.reader.failedCount()).isEqualTo(2);
		assertThat(this.stream.events()).extracting(ChangeEvent::table, ChangeEvent::operation)
			.containsExactly(tuple("k", Operation.INSERT), tuple("t", Operation.INSERT));
		assertThat(this.publisher.stats().recentRejections()).extracting(RejectedChange::reason)
			.anySatisfy((reason) -> assertThat(reason).startsWith("it removes the old key of a key change"));
	}

	@Test
	void keyChangeToNullShouldBeRefusedWholeSoThatNoNodeLosesTheRow() throws Exception {
		changeKey("NULL");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		assertThat(this.reader.failedCount()).isEqualTo(2);
		assertThat(this.stream.events()).extracting(ChangeEvent::operation).containsExactly(Operation.INSERT);
	}

	/** Publishes a row of a table keyed by text, then changes its key to {@code newKey} (an SQL expression). */
	private void changeKey(String newKey) throws Exception {
		execute("CREATE TABLE k (k TEXT PRIMARY KEY, v TEXT)");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
		execute("INSERT INTO k VALUES ('ok', 'fine')");
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		execute("UPDATE k SET k = " + newKey + " WHERE k = 'ok'");
	}

	@Test
	void changesShouldBePublishedWithTheirRecordedVersionsInTheFormatTheClusterReads() throws Exception {
		this.format.set(ChangeEventCodec.FORMAT_UNVERSIONED);
		execute("INSERT INTO t VALUES (1, 'while an old node is live')");
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		this.format.set(ChangeEventCodec.FORMAT_VERSIONED);
		execute("UPDATE t SET v = 'every node reads versions' WHERE id = 1");
		execute("INSERT INTO t VALUES (2, 'x')");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.pendingCount() == 0);
		List<byte[]> payloads = this.stream.payloads();
		assertThat(payloads).extracting(ChangeEventCodec::formatOf).startsWith(1).endsWith(2);
		List<ChangeEvent> events = this.stream.events();
		assertThat(events.get(0).isVersioned()).isFalse();
		List<Long> recorded = new ArrayList<>();
		try (Statement statement = this.connection.createStatement();
				var rows = statement.executeQuery("SELECT ver FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" ORDER BY id")) {
			while (rows.next()) {
				recorded.add(rows.getLong(1));
			}
		}
		assertThat(events.subList(1, 3)).extracting(ChangeEvent::hlc).containsExactlyElementsOf(recorded.subList(1, 3));
		assertThat(recorded).isSorted().doesNotHaveDuplicates().allMatch((hlc) -> hlc > 0);
		assertThat(events.get(1).changedColumns()).containsExactly("v");
	}

	private void writeOneTransaction(int changes) throws SQLException {
		writeOneTransaction(changes, changes);
	}

	/** Inserts row 1 as the first change and updates it as change {@code updateAt}; other rows fill the rest. */
	private void writeOneTransaction(int changes, int updateAt) throws SQLException {
		this.connection.setAutoCommit(false);
		execute("INSERT INTO t VALUES (1, 'oldest')");
		for (int change = 2, id = 2; change <= changes; change++) {
			execute((change == updateAt) ? "UPDATE t SET v = 'newest' WHERE id = 1"
					: "INSERT INTO t VALUES (" + id++ + ", 'row')");
		}
		this.connection.commit();
		this.connection.setAutoCommit(true);
	}

	private Set<Long> allChangeIds(int count) throws SQLException {
		Set<Long> ids = new HashSet<>();
		try (Statement statement = this.connection.createStatement();
				var rows = statement.executeQuery("SELECT id FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\"")) {
			while (rows.next()) {
				ids.add(rows.getLong(1));
			}
		}
		assertThat(ids).hasSize(count);
		return ids;
	}

	/** Ten changes in one message, sent into a silence (as into a partition): no acknowledgement ever comes. */
	private void sendTenChangesWhoseFirstMessageIsNeverAcknowledged() throws Exception {
		writeOneTransaction(10);
		this.stream.silenceFirstPublish.set(true);
		startPublisher();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.stream.calls() == 1);
	}

	private void startPublisher() {
		this.thread = new Thread(this.publisher, "test-publisher");
		this.thread.start();
	}

	private void execute(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/** Stores acknowledged messages in order; drops ids it has stored; can fail the first publish. */
	private final class FakeStream implements ChangeSink {

		final AtomicBoolean failFirstPublish = new AtomicBoolean();

		/** Whether every publish fails at once, as with no stream leader reachable. */
		final AtomicBoolean failAll = new AtomicBoolean();

		/** Whether the first publish is never acknowledged, as one sent into a partition. */
		final AtomicBoolean silenceFirstPublish = new AtomicBoolean();

		/** Whether the first publish is stored but its acknowledgement held until {@link #releaseHeldAcknowledgement}. */
		final AtomicBoolean holdFirstAcknowledgement = new AtomicBoolean();

		private final CompletableFuture<Object> held = new CompletableFuture<>();

		/** The number of the publish call that throws, once; 0 for none. */
		final AtomicInteger throwOnPublish = new AtomicInteger();

		private int calls;

		private final List<byte[]> stored = new ArrayList<>();

		private final Set<String> storedIds = new HashSet<>();

		@Override
		public synchronized CompletableFuture<?> publish(int shard, String messageId, byte[] payload) {
			if (++this.calls == this.throwOnPublish.get()) {
				throw new IllegalStateException("connection closed");
			}
			if (this.failFirstPublish.getAndSet(false)) {
				return CompletableFuture.failedFuture(new IllegalStateException("connection lost"));
			}
			if (this.failAll.get()) {
				return CompletableFuture.failedFuture(new IllegalStateException("no responders"));
			}
			if (this.silenceFirstPublish.getAndSet(false)) {
				return new CompletableFuture<>();
			}
			if (this.storedIds.add(messageId)) {
				this.stored.add(payload);
			}
			if (this.holdFirstAcknowledgement.getAndSet(false)) {
				return this.held;
			}
			return CompletableFuture.completedFuture(null);
		}

		void releaseHeldAcknowledgement() {
			this.held.complete(null);
		}

		synchronized int calls() {
			return this.calls;
		}

		@Override
		public CompletableFuture<Long> publishChunk(int shard, String messageId, byte[] payload, ChunkHeader chunk) {
			throw new UnsupportedOperationException("this stream accepts any size; nothing is split");
		}

		@Override
		public int chunkSize() {
			return Integer.MAX_VALUE;
		}

		synchronized List<byte[]> payloads() {
			return List.copyOf(this.stored);
		}

		synchronized List<Long> storedChangeIds() {
			return events().stream().map(ChangeEvent::changeId).toList();
		}

		/** Applies the stored messages in stream order, last write wins, as every node does. */
		synchronized Map<Long, Object> replayedValues() {
			Map<Long, Object> rows = new HashMap<>();
			for (ChangeEvent event : events()) {
				Long id = (Long) event.row().get("id");
				if (event.operation() == Operation.DELETE) {
					rows.remove(id);
				}
				else {
					rows.put(id, event.row().get("v"));
				}
			}
			return rows;
		}

		synchronized List<ChangeEvent> events() {
			List<ChangeEvent> events = new ArrayList<>();
			this.stored.forEach((payload) -> events.addAll(ChangePublisherTests.this.codec.decodeAll(payload)));
			return events;
		}

	}

}
