package io.harmonylite.apply;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.schema.InMemorySchemaRegistry;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.UnknownHashQuarantine;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.CapturedLogs;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The apply loop on a real SQLite file, fed messages directly (no NATS): which messages it applies, dead-letters or
 * holds back, and that it always moves on.
 */
class ApplyLoopTests {

	private static final String STREAM = "changes-0";

	private static final String HASH = "h1";

	@TempDir
	Path directory;

	private final ChangeEventCodec codec = new ChangeEventCodec(false);

	private final List<String> deadLetters = new CopyOnWriteArrayList<>();

	private final List<byte[]> deadLetterPayloads = new CopyOnWriteArrayList<>();

	private final List<Integer> deadLetterCalls = new CopyOnWriteArrayList<>();

	private final UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofHours(1),
			Clock.systemUTC());

	private TestDatabase database;

	private Connection applyConnection;

	private ChangeApplier applier;

	private final SchemaGate gate = new SchemaGate(1, HASH, null);

	private final ApplyQueue queue = new ApplyQueue(100);

	@RegisterExtension
	final CapturedLogs logs = CapturedLogs.of(ApplyLoop.class);

	private ApplyLoop loop;

	private AppliedPositions positions;

	private final List<Integer> committedBatches = new CopyOnWriteArrayList<>();

	private @Nullable Thread thread;

	@BeforeEach
	void open() {
		this.database = new TestDatabase(this.directory);
		this.database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE)",
				"INSERT INTO t VALUES (100, 'taken@example.com')");
		this.applyConnection = SqliteConnections.open(this.database.file());
		useApplier(new ChangeApplier(this.applyConnection));
	}

	/** Builds the loop around an applier, which it then owns. */
	private void useApplier(ChangeApplier applier) {
		this.applier = applier;
		DeadLetterSink sink = new DeadLetterSink() {

			@Override
			public long deadLetter(ReceivedMessage message, String reason) {
				ApplyLoopTests.this.deadLetters.add(message.position().sequence() + ": " + reason);
				ApplyLoopTests.this.deadLetterPayloads.add(message.payload());
				return ApplyLoopTests.this.deadLetters.size();
			}

			@Override
			public List<Long> deadLetterAll(List<ReceivedMessage> messages, List<String> reasons) {
				ApplyLoopTests.this.deadLetterCalls.add(messages.size());
				return DeadLetterSink.super.deadLetterAll(messages, reasons);
			}

		};
		ShardControl shards = new ShardControl() {
			@Override
			public void redeliverLater(int shard) {
			}

			@Override
			public void resync(int shard) {
			}
		};
		this.positions = new AppliedPositions(this.applier.positions());
		this.loop = new ApplyLoop(this.applier, this.queue, this.positions, this.gate,
				shards, sink, new ApplyListener() {
					@Override
					public void batchApplied(int size, Duration duration) {
						ApplyLoopTests.this.committedBatches.add(size);
					}
				}, this.codec, Clock.systemUTC(), 100, this.quarantine);
	}

	@AfterEach
	void close() throws Exception {
		this.loop.stop();
		if (this.thread != null) {
			this.thread.join(10_000);
		}
		this.applier.close();
		this.database.close();
	}

	@Test
	void ownChangeComingBackShouldBeSkippedUnreadWhenItsMessageNamesThisNodeAndItsCaptureEpoch() throws Exception {
		new ChangeCapture(this.database.connection(), List.of(), List.of()).install();
		this.applier.close();
		useApplier(new ChangeApplier(SqliteConnections.open(this.database.file()), Clock.systemUTC(),
				new ConflictSettings(1, Duration.ofSeconds(10)), new ConflictStats()));
		ChangeEvent echo = this.database.recordOwnWrites(1, "INSERT INTO t VALUES (1, 'own@example.com')").get(0);
		long epoch = new ChangeLogReader(this.database.connection(), 1).captureEpoch();
		this.database.forgetVersionsAndSetUncaptured("email = 'changed here' WHERE id = 1");
		this.queue.receive(new ReceivedMessage(0, new StreamPosition(STREAM, 1),
				this.codec.encodeAll(List.of(this.codec.encodeBody(echo, HASH))), null, null,
				new MessageOrigin(1, epoch, echo.changeId(), echo.changeId())));

		start();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.positions.of(STREAM) == 1);
		assertThat(this.database.query("SELECT email FROM t WHERE id = 1")).as("not merged: the row was not read")
			.containsExactly(List.of("changed here"));
	}

	@Test
	void messagesOfManyChangesShouldBeAppliedInTransactionsOfAtMostTheBatchSize() throws Exception {
		for (long sequence = 1; sequence <= 5; sequence++) {
			this.queue.receive(messageOfChanges(sequence, 1000 * sequence, 80));
		}

		start();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.positions.of(STREAM) == 5);
		assertThat(this.database.query("SELECT count(*) FROM t").get(0).get(0)).isEqualTo(1L + 5 * 80);
		assertThat(this.committedBatches).containsOnly(80).hasSize(5);
	}

	@Test
	void aBatchWithAConstraintViolationBeforeAnInvalidChangeShouldDeadLetterBothAndApplyTheRest() throws Exception {
		// All three arrive in one batch: validation rejects message 2 before anything runs, and message 1 only fails
		// when executed. Both must go to the dead letter, and message 3 must still apply.
		this.queue.receive(message(1, row("id", 1L, "email", "taken@example.com")));
		this.queue.receive(message(2, row("id", 2L, "no_such_column", "x")));
		this.queue.receive(message(3, row("id", 3L, "email", "new@example.com")));
		start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.applier.position(STREAM) == 3);
		assertThat(this.deadLetters).hasSize(2);
		assertThat(this.deadLetters.get(0)).startsWith("1: ");
		assertThat(this.deadLetters.get(1)).startsWith("2: ").contains("no_such_column");
		assertThat(this.database.query("SELECT id FROM t ORDER BY id")).containsExactly(List.of(3L), List.of(100L));
	}

	@Test
	void changeThatFailsWithAnUnexpectedExceptionOfItsOwnShouldBeDeadLetteredAndTheShardGoOn() throws Exception {
		// A defect, or an input nobody foresaw, that throws while one change is written fails the same way each time:
		// retried, it would stop the shard on every node for good.
		this.database.execute("CREATE TABLE boom (id INTEGER PRIMARY KEY, v TEXT)");
		this.applier.close();
		useApplier(new ChangeApplier(failingOn("\"boom\"", SqliteConnections.open(this.database.file()))));
		this.queue.receive(message(1, row("id", 1L, "email", "a@example.com")));
		this.queue.receive(message(2, "boom", row("id", 1L, "v", "x")));
		this.queue.receive(message(3, row("id", 3L, "email", "c@example.com")));

		start();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.applier.position(STREAM) == 3);
		assertThat(this.deadLetters).singleElement()
			.asString()
			.startsWith("2: ")
			.contains("IllegalStateException: injected");
		assertThat(this.database.query("SELECT id FROM t ORDER BY id")).containsExactly(List.of(1L), List.of(3L),
				List.of(100L));
	}

	/** A connection whose statements that name a table fail with an unexpected (non-SQL) exception. */
	private static Connection failingOn(String quotedTable, Connection connection) {
		return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> {
					if (method.getName().equals("prepareStatement") && ((String) args[0]).contains(quotedTable)) {
						throw new IllegalStateException("injected");
					}
					try {
						return method.invoke(connection, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	@Test
	void badChangeOfAMessageCarryingSeveralShouldBeDeadLetteredAloneAndTheMessagesOtherChangesApplied()
			throws Exception {
		// Rows written apart on one node and published in one message: one bad row must not take the others along.
		this.queue.receive(messageOf(1, row("id", 1L, "email", "a@example.com"),
				row("id", 2L, "email", "taken@example.com"), row("id", 3L, "email", "c@example.com")));
		this.queue.receive(messageOf(2, row("id", 4L, "no_such_column", "x"), row("id", 5L, "email", "e@example.com")));
		this.queue.receive(messageOf(3, row("id", 6L, "email", "taken@example.com"),
				row("id", 7L, "email", "taken@example.com")));
		this.queue.receive(message(4, row("id", 8L, "email", "h@example.com")));
		start();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.applier.position(STREAM) == 4);
		assertThat(this.database.query("SELECT id FROM t ORDER BY id")).containsExactly(List.of(1L), List.of(3L),
				List.of(5L), List.of(8L), List.of(100L));
		// Each letter holds its one change; validation rejects change 4 before any change is executed.
		assertThat(this.deadLetterPayloads).extracting((payload) -> this.codec.decode(payload).changeId())
			.containsExactly(4L, 2L, 6L, 7L);
		assertThat(this.deadLetters.get(0)).startsWith("2: ").contains("no_such_column");
		assertThat(this.deadLetters.get(1)).startsWith("1: ").contains("UNIQUE");
		assertThat(this.deadLetters.subList(2, 4)).allSatisfy((letter) -> assertThat(letter).startsWith("3: "));
	}

	@Test
	void changesOfOneMessageThatDoNotFitShouldBeFoundInOnePassAndStoredTogether() throws Exception {
		// A broken or hostile sender's message of hundreds of misfits between good rows: one pass over the batch and
		// one store of their letters, not one of each per misfit.
		List<Map<String, @Nullable Object>> rows = new ArrayList<>();
		for (long id = 1; id <= 600; id++) {
			rows.add((id % 2 == 0) ? row("id", id, "no_such_column", "x") : row("id", id, "email", id + "@example.com"));
		}
		@SuppressWarnings("unchecked")
		Map<String, @Nullable Object>[] all = rows.toArray(Map[]::new);
		this.queue.receive(messageOf(1, all));
		this.queue.receive(message(2, row("id", 1000L, "email", "after@example.com")));

		start();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.applier.position(STREAM) == 2);
		assertThat(this.database.query("SELECT count(*) FROM t").get(0).get(0)).isEqualTo(1L + 300 + 1);
		assertThat(this.deadLetterPayloads).extracting((payload) -> this.codec.decode(payload).changeId())
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 300).map((i) -> 2 * i).boxed().toList());
		assertThat(this.deadLetters).allSatisfy((letter) -> assertThat(letter).startsWith("1: ").contains("no_such_column"));
		// All but the message's last one together; the last moves the message's position.
		assertThat(this.deadLetterCalls).containsExactly(299, 1);
	}

	@Test
	void notNullAndWrongKeyTypeInOneBatchShouldDeadLetterOnlyTheOffendingChangesAndApplyTheRestInOrder()
			throws Exception {
		// One batch: the batched write fails, and the change-by-change replay must blame the right changes, even
		// though SQLite left the failed statements unusable (kept bindings, or finalized after SQLITE_MISMATCH).
		this.database.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
		this.queue.receive(message(1, "books", row("id", 1L, "title", "a")));
		this.queue.receive(message(2, "books", row("id", 2L, "title", "b")));
		this.queue.receive(message(3, "books", row("id", 1L, "title", null)));
		this.queue.receive(message(4, "books", row("id", 2L, "title", "c")));
		this.queue.receive(message(5, "books", row("id", "not a number", "title", "d")));
		this.queue.receive(message(6, "books", row("id", 3L, "title", null)));
		this.queue.receive(message(7, "books", row("id", 4L, "title", "ok")));
		start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.applier.position(STREAM) == 7);
		assertThat(this.deadLetters).hasSize(3);
		assertThat(this.deadLetters.get(0)).startsWith("3: ").contains("SQLITE_CONSTRAINT_NOTNULL");
		assertThat(this.deadLetters.get(1)).startsWith("5: ").contains("SQLITE_MISMATCH");
		assertThat(this.deadLetters.get(2)).startsWith("6: ").contains("SQLITE_CONSTRAINT_NOTNULL");
		assertThat(this.database.query("SELECT id, title FROM books ORDER BY id")).containsExactly(List.of(1L, "a"),
				List.of(2L, "c"), List.of(4L, "ok"));
	}

	@Test
	void fullDatabaseShouldBeRetriedWithoutDeadLetterUntilThereIsRoom() throws Exception {
		queueTwoCoversOnAFullDisk(1, 2);
		start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.logs.events().stream()
				.filter((event) -> event.getFormattedMessage().contains("SQLITE_FULL"))
				.count() >= 2);
		assertThat(this.deadLetters).isEmpty();
		assertThat(this.database.count("covers")).isZero();
		setMaxPageCount(1_000_000);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.applier.position(STREAM) == 2);
		assertThat(this.deadLetters).isEmpty();
		assertThat(this.database.query("SELECT id, length(image) FROM covers ORDER BY id"))
			.containsExactly(List.of(1L, 64L * 1024), List.of(2L, 1L));
	}

	@Test
	void batchRetriedOnAFullDiskShouldShowItsFirstMessageAsTheShardsBlockedMessageUntilItApplies() throws Exception {
		queueTwoCoversOnAFullDisk(7, 8);
		start();
		// One read: between retries of the batch the loop clears and sets the shard's blocked message again.
		BlockedMessage blocked = await().atMost(Duration.ofSeconds(10)).until(() -> this.loop.blocked().get(0),
				Objects::nonNull);
		assertThat(blocked.sequence()).isEqualTo(1);
		assertThat(blocked.table()).isEqualTo("covers");
		assertThat(blocked.key()).containsEntry("id", 7L);
		assertThat(blocked.reason()).startsWith("a transient failure").contains("SQLITE_FULL");
		assertThat(this.deadLetters).isEmpty();
		// Retried several times, it still waits since its first failure (which SHARD_HEAD_FAILING is judged from).
		int failures = retries();
		await().atMost(Duration.ofSeconds(10)).until(() -> retries() >= failures + 2);
		assertThat(this.loop.blocked().get(0)).isNotNull()
			.satisfies((later) -> assertThat(later.since()).isEqualTo(blocked.since()));

		setMaxPageCount(1_000_000);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.applier.position(STREAM) == 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.loop.blocked().isEmpty());
	}

	@Test
	void changeOfASchemaItsNodeMovedPastShouldBeAppliedWithoutAnOperator() throws Exception {
		// Node 2 made a change under h0, which waited in the stream while node 2 migrated twice (to h1, then HASH).
		InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
		registry.publish(new NodeSchemaState(2, "h0", null, "0.1.0", List.of("t"), Instant.now().minusSeconds(900),
				null, Map.of(), 2));
		registry.publish(new NodeSchemaState(2, HASH, "h1", "0.1.0", List.of("t"), Instant.now(), null, Map.of(), 2));
		this.quarantine.refresh(registry);
		long then = System.currentTimeMillis() - 600_000;
		ChangeEvent old = new ChangeEvent(2, 1, "t", Operation.INSERT, row("id", 1L, "email", "a@example.com"),
				List.of("id"), then, "h0", Version.hlcOf(then), null);
		this.queue.receive(new ReceivedMessage(0, new StreamPosition(STREAM, 1), this.codec.encode(old), null, null,
				null, Instant.ofEpochMilli(then)));
		start();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.database.count("t")).as("%s", this.loop.blocked()).isEqualTo(2));
		assertThat(this.gate.pausedShards()).isEmpty();
		assertThat(this.deadLetters).isEmpty();
	}

	@Test
	void messageBlockedByASchemaHashShouldShowWhatTheRegistryReportsNowAndItsSkipShouldNotCountAsAResume() throws Exception {
		InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
		this.quarantine.refresh(registry);
		long now = System.currentTimeMillis();
		ChangeEvent upgraded = new ChangeEvent(2, 1, "t", Operation.INSERT, row("id", 1L, "email", "a@example.com"),
				List.of("id"), now, "h2", Version.hlcOf(now), null);
		this.queue.receive(new ReceivedMessage(0, new StreamPosition(STREAM, 1), this.codec.encode(upgraded)));
		start();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.loop.blocked().get(0))
			.satisfies((blocked) -> assertThat(blocked.reason())
				.startsWith("schema hash h2 was not in the schema registry when this node last read it")));

		// The node that migrated reports its hash, as in a rolling upgrade: the shard waits for a known hash now.
		registry.publish(new NodeSchemaState(2, "h2", HASH, "0.1.0", List.of("t"), Instant.now(), null, Map.of(), 2));
		this.quarantine.refresh(registry);

		assertThat(this.loop.blocked().get(0).reason()).startsWith("a node of the cluster reports schema hash");
		assertThat(this.deadLetters).isEmpty();

		// An operator skips it: the shard goes on behind it, which is no resume (the schemas still differ).
		assertThat(this.loop.skipBlocked(0)).isPresent();
		assertThat(this.gate.pausedShards()).isEmpty();
		assertThat(this.gate.pauseCount()).isOne();
		assertThat(this.gate.resumeCount()).isZero();
	}

	@Test
	void shardPausedOnAMessageThatASnapshotRestoreWentPastShouldGoOnWithoutWaitingForAnotherMessage()
			throws Exception {
		InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
		registry.publish(new NodeSchemaState(2, "h2", HASH, "0.1.0", List.of("t"), Instant.now(), null, Map.of(), 2));
		this.quarantine.refresh(registry);
		long now = System.currentTimeMillis();
		ChangeEvent upgraded = new ChangeEvent(2, 1, "t", Operation.INSERT, row("id", 1L), List.of("id"), now, "h2",
				Version.hlcOf(now), null);
		this.queue.receive(new ReceivedMessage(0, new StreamPosition(STREAM, 1), this.codec.encode(upgraded)));
		start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.gate.pausedShards().containsKey(0));

		// A restored snapshot's positions are past the message.
		try (ApplyLoop.Pause pause = this.loop.pause()) {
			this.positions.restored(Map.of(STREAM, 5L));
			this.loop.restoredPast();
		}

		assertThat(this.gate.pausedShards()).isEmpty();
		assertThat(this.loop.blocked()).isEmpty();
	}

	@Test
	void messageBlockedByATransientFailureShouldBeSkippedToTheDeadLetterByTheOperator() throws Exception {
		queueTwoCoversOnAFullDisk(7, 8);
		start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.loop.blocked().containsKey(0));

		assertThat(this.loop.skipBlocked(0)).hasValueSatisfying((skipped) -> assertThat(skipped.sequence()).isOne());

		await().atMost(Duration.ofSeconds(20)).until(() -> this.applier.position(STREAM) == 2);
		assertThat(this.deadLetters).singleElement().asString().startsWith("1: skipped by an operator");
		assertThat(this.database.query("SELECT id FROM covers")).containsExactly(List.of(8L));
	}

	@Test
	void changeThatNoLongerFitsAfterLocalDdlShouldWaitForTheNewHashInsteadOfBeingDeadLettered() throws Exception {
		// A migration drops column x here; until the hash is recomputed, the gate still holds the old hash, so a change
		// from a node on that hash passes the gate, and names a column that is gone.
		this.database.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, a TEXT, x TEXT)");
		this.gate.hashedAt(schemaVersion());
		this.database.execute("ALTER TABLE u DROP COLUMN x");
		this.queue.receive(message(1, "u", row("id", 1L, "a", "A", "x", "X")));
		start();
		// The loop judged the change and chose to retry the batch rather than dead-letter it.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.logs.events().stream()
				.anyMatch((event) -> event.getFormattedMessage().contains("waiting for the recompute")));
		assertThat(this.deadLetters).isEmpty();
		assertThat(this.applier.position(STREAM)).isZero();
		// The recompute: the node's hash moves on and the old one becomes the previous hash, whose changes apply
		// without the dropped column.
		this.gate.update("h2", HASH);
		this.gate.hashedAt(schemaVersion());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.applier.position(STREAM) == 1);
		assertThat(this.deadLetters).isEmpty();
		assertThat(this.database.query("SELECT id, a FROM u")).containsExactly(List.of(1L, "A"));
	}

	@Test
	void pausedLoopShouldApplyNothingAndJudgeTheBatchItHeldAgainstThePositionsRestoredMeanwhile() throws Exception {
		ApplyLoop.Pause pause = this.loop.pause();
		this.queue.receive(message(1, row("id", 1L, "email", "one@example.com")));
		start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.size() == 0);
		assertThat(this.applier.position(STREAM)).as("taken, not applied").isZero();

		// A snapshot restored meanwhile already holds message 1 (its file's position, and the one the node knows).
		this.applier.skip(new StreamPosition(STREAM, 1));
		this.positions.restored(Map.of(STREAM, 1L));
		this.queue.receive(message(2, row("id", 2L, "email", "two@example.com")));
		pause.close();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.applier.position(STREAM) == 2);
		assertThat(this.database.query("SELECT id FROM t ORDER BY id")).containsExactly(List.of(2L), List.of(100L));
		assertThat(this.positions.of(STREAM)).isEqualTo(2);
	}

	/**
	 * Fills the database (no page can be added) and queues two changes of table covers: a 64 KiB image that does not
	 * fit, then a 1-byte one.
	 */
	private void queueTwoCoversOnAFullDisk(long firstId, long secondId) throws SQLException, InterruptedException {
		this.database.execute("CREATE TABLE covers (id INTEGER PRIMARY KEY, image BLOB)");
		setMaxPageCount((Long) this.database.query("PRAGMA page_count").get(0).get(0));
		this.queue.receive(message(1, "covers", row("id", firstId, "image", new byte[64 * 1024])));
		this.queue.receive(message(2, "covers", row("id", secondId, "image", new byte[] { 1 })));
	}

	private void setMaxPageCount(long pages) throws SQLException {
		// max_page_count is per connection: the applier's own hits SQLITE_FULL.
		try (Statement statement = this.applyConnection.createStatement()) {
			statement.execute("PRAGMA max_page_count = " + pages);
		}
	}

	private int retries() {
		return (int) this.logs.events().stream()
			.filter((event) -> event.getFormattedMessage().startsWith("Applying ") && event.getFormattedMessage().contains("failed, retrying"))
			.count();
	}

	private long schemaVersion() {
		return (Long) this.database.query("PRAGMA schema_version").get(0).get(0);
	}

	private ReceivedMessage message(long sequence, Map<String, @Nullable Object> row) {
		return message(sequence, "t", row);
	}

	private ReceivedMessage message(long sequence, String table, Map<String, @Nullable Object> row) {
		long now = System.currentTimeMillis();
		ChangeEvent event = new ChangeEvent(2, sequence, table, Operation.INSERT, row, List.of("id"), now, HASH,
				Version.hlcOf(now) + sequence, null);
		return new ReceivedMessage(0, new StreamPosition(STREAM, sequence), this.codec.encode(event));
	}

	/** A message of inserts into {@code t}, each with its row's id as its change id. */
	@SafeVarargs
	private ReceivedMessage messageOf(long sequence, Map<String, @Nullable Object>... rows) {
		long now = System.currentTimeMillis();
		List<byte[]> bodies = new ArrayList<>();
		for (Map<String, @Nullable Object> row : rows) {
			long id = (Long) row.get("id");
			bodies.add(this.codec.encodeBody(new ChangeEvent(2, id, "t", Operation.INSERT, row, List.of("id"), now,
					HASH, Version.hlcOf(now) + id, null), HASH));
		}
		return new ReceivedMessage(0, new StreamPosition(STREAM, sequence), this.codec.encodeAll(bodies));
	}

	/** A message of several inserts into {@code t}, with keys from {@code firstId}. */
	private ReceivedMessage messageOfChanges(long sequence, long firstId, int count) {
		long now = System.currentTimeMillis();
		List<byte[]> bodies = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			bodies.add(this.codec.encodeBody(new ChangeEvent(2, firstId + i, "t", Operation.INSERT,
					row("id", firstId + i, "email", "user" + (firstId + i) + "@example.com"), List.of("id"), now, HASH,
					Version.hlcOf(now) + i, null), HASH));
		}
		return new ReceivedMessage(0, new StreamPosition(STREAM, sequence), this.codec.encodeAll(bodies));
	}

	private void start() {
		this.thread = new Thread(this.loop, "test-apply");
		this.thread.start();
	}

}
