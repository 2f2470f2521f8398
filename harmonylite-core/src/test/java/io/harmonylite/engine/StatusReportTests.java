package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.AppliedPositions;
import io.harmonylite.apply.ApplyQueue;
import io.harmonylite.apply.InMemoryShardSource;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.RejectedChange;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.schema.InMemorySchemaRegistry;
import io.harmonylite.schema.SchemaChangeDetector;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.MovableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StatusReport} on in-memory shard sources, a fake connection and change log, and a schema monitor
 * on a SQLite file: the state it decides and the shard figures it reports.
 */
class StatusReportTests {

	private static final Instant PAUSED_AT = Instant.parse("2025-06-01T12:00:00Z");

	@TempDir
	Path dir;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final InMemoryShardSource first = new InMemoryShardSource(0).holding(1, 10, "s0");

	private final InMemoryShardSource second = new InMemoryShardSource(1).holding(1, 4, "s1");

	private final FakeConnection connection = new FakeConnection();

	private final FakeCaptureState capture = new FakeCaptureState();

	private final EngineCounters counters = new EngineCounters();

	private final ManualPauses pauses = new ManualPauses(1, ManualPauses.Store.MEMORY);

	private final MovableClock clock = new MovableClock(PAUSED_AT);

	private Connection database;

	private SchemaMonitor schema;

	private SchemaMonitor.Baseline baseline;

	private Workers workers;

	@BeforeEach
	void open() {
		Path file = this.dir.resolve("node.db");
		new TestDatabase(file).execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		this.database = SqliteConnections.open(file);
		ChangeCapture capture = new ChangeCapture(this.database, List.of(), List.of());
		SchemaVersionStore versions = new SchemaVersionStore(this.database);
		SchemaChangeDetector detector = new SchemaChangeDetector(this.database);
		this.baseline = SchemaMonitor.baseline(1, capture, versions, detector, Clock.systemUTC());
		this.schema = new SchemaMonitor(1, capture, versions, detector, Clock.systemUTC(), this.baseline,
				new InMemorySchemaRegistry(), () -> null, 2, () -> {
				});
		this.workers = new Workers(1, Clock.systemUTC(), this.scheduler, WorkerFailureCallback.NONE,
				Workers.Backoff.DEFAULT);
	}

	@AfterEach
	void close() throws Exception {
		this.scheduler.shutdownNow();
		this.database.close();
	}

	@Test
	void healthyNodeShouldBeRunningWithItsLagPerShard() {
		EngineStatus status = report(supervisor()).build();

		assertThat(status.state()).isEqualTo(NodeState.RUNNING);
		assertThat(status.nats().connected()).isTrue();
		assertThat(status.nats().servers()).containsExactly("nats://127.0.0.1:4222");
		assertThat(status.pendingChanges()).isEqualTo(2);
		assertThat(status.failedChanges()).isZero();
		assertThat(status.watchedTables()).containsExactly("Books");
		assertThat(status.schema().hash()).isEqualTo(this.baseline.version().hash());
		assertThat(status.shards()).extracting(EngineStatus.Shard::appliedSequence, EngineStatus.Shard::streamLastSequence,
				EngineStatus.Shard::lag)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(7L, 10L, 3L),
					org.assertj.core.groups.Tuple.tuple(0L, 4L, 4L));
	}

	@Test
	void nodeWithoutNatsShouldBeDisconnectedWithUnknownLag() {
		this.connection.connected = false;

		EngineStatus status = report(supervisor()).build();

		assertThat(status.state()).isEqualTo(NodeState.DISCONNECTED);
		assertThat(status.nats().servers()).containsExactly("nats://a:4222");
		assertThat(status.shards()).allSatisfy((shard) -> {
			assertThat(shard.streamLastSequence()).isEqualTo(-1);
			assertThat(shard.lag()).isEqualTo(-1);
		});
	}

	@Test
	void unreadableStreamShouldGiveUnknownLastSequence() {
		this.second.failing(new HarmonyLiteException("timeout"));

		EngineStatus status = report(supervisor()).build();

		assertThat(status.shards().get(1).streamLastSequence()).isEqualTo(-1);
		assertThat(status.shards().get(1).lag()).isEqualTo(-1);
		assertThat(status.shards().get(0).lag()).isEqualTo(3);
	}

	@Test
	void pausedShardShouldBePausedSchemaMismatchWithTheHashThatPausedIt() {
		this.baseline.gate().pause(1, "remote-hash", PAUSED_AT);

		EngineStatus status = report(supervisor()).build();

		assertThat(status.state()).isEqualTo(NodeState.PAUSED_SCHEMA_MISMATCH);
		assertThat(status.shards().get(1).paused()).isTrue();
		assertThat(status.shards().get(1).pausedBy()).isEqualTo("remote-hash");
		assertThat(status.shards().get(1).pausedSince()).isEqualTo(PAUSED_AT);
		assertThat(status.shards().get(0).paused()).isFalse();
		assertThat(status.schema().pauses()).isZero();
	}

	@Test
	void shardPausedByAnOperatorShouldBePausedManuallySinceThePause() {
		ShardSupervisor supervisor = supervisor();
		supervisor.startAll();
		supervisor.pause(0);

		EngineStatus status = report(supervisor).build();

		assertThat(status.state()).isEqualTo(NodeState.PAUSED_MANUALLY);
		assertThat(status.shards().get(0).pausedManually()).isTrue();
		assertThat(status.shards().get(0).pausedManuallySince()).isEqualTo(PAUSED_AT);
		assertThat(status.shards().get(0).paused()).as("not a schema mismatch").isFalse();
		assertThat(status.shards().get(1).pausedManually()).isFalse();
	}

	@Test
	void schemaMismatchShouldOutrankAManualPause() {
		ShardSupervisor supervisor = supervisor();
		supervisor.startAll();
		supervisor.pause(0);
		this.baseline.gate().pause(1, "remote-hash", PAUSED_AT);

		assertThat(report(supervisor).build().state()).isEqualTo(NodeState.PAUSED_SCHEMA_MISMATCH);
	}

	@Test
	void shardWithAGapShouldBeStreamGapWithItsDescription() {
		this.first.holding(9, 20, "s0");
		ShardSupervisor supervisor = supervisor();
		supervisor.startAll();

		EngineStatus status = report(supervisor).build();

		assertThat(status.state()).isEqualTo(NodeState.STREAM_GAP);
		assertThat(status.shards().get(0).gap()).contains("no longer holds sequences 8 to 8");
		assertThat(status.shards().get(1).gap()).isNull();
	}

	@Test
	void gapNotYetConfirmedShouldMakeTheNodeDegradedAndSaySo() {
		this.first.holding(9, 20, "s0");
		ShardSupervisor supervisor = new ShardSupervisor(List.of(this.first, this.second), new ApplyQueue(10),
				new AppliedPositions(Map.of("changes-0", 7L)), (stream, identity) -> true, this.scheduler,
				Duration.ofMinutes(1), 1, this.pauses, Clock.fixed(PAUSED_AT, ZoneOffset.UTC), () -> {
				}, ShardSupervisor.GAP_CONFIRMATION);
		supervisor.startAll();

		EngineStatus status = report(supervisor).build();

		assertThat(status.state()).isEqualTo(NodeState.DEGRADED);
		assertThat(status.shards().get(0).gap()).isNull();
		assertThat(status.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.STREAM_GAP);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DEGRADED);
			assertThat(problem.reason()).contains("no longer holds sequences 8 to 8", "Not yet confirmed");
			assertThat(problem.since()).isEqualTo(PAUSED_AT);
		});
	}

	@Test
	void gapShouldBeWaitingForSnapshotWhileTheNodeWaitsForOneAndRestoringDuringARestore() {
		List<EngineStatus.Shard> gap = List.of(new EngineStatus.Shard(0, "changes-0", 7, 20, 13, false, null, null,
				"stream changes-0 no longer holds sequences 8 to 8", 0, null));

		assertThat(StatusReport.state(true, false, true, gap, snapshots(null, "no snapshot fits"), List.of()))
			.isEqualTo(NodeState.WAITING_FOR_SNAPSHOT);
		assertThat(StatusReport.state(true, false, true, gap, snapshots(null, null), List.of())).isEqualTo(NodeState.STREAM_GAP);
		assertThat(StatusReport.state(true, false, true, gap, null, List.of())).isEqualTo(NodeState.STREAM_GAP);
		assertThat(StatusReport.state(true, false, false, gap, snapshots("20250101T000000000Z-n1-aaaaaa", null), List.of()))
			.isEqualTo(NodeState.RESTORING);
		assertThat(StatusReport.state(true, true, true, gap, snapshots("20250101T000000000Z-n1-aaaaaa", null), List.of()))
			.isEqualTo(NodeState.WORKER_FAILED);
	}

	private static EngineStatus.Snapshots snapshots(String restoring, String waiting) {
		return new EngineStatus.Snapshots("test store", false, null, false, null, null, null, null, restoring, waiting);
	}

	@Test
	void missingTriggersShouldBeCaptureBrokenWhateverElseIsWrong() {
		this.capture.triggers = 2;
		this.connection.connected = false;

		assertThat(report(supervisor()).build().state()).isEqualTo(NodeState.CAPTURE_BROKEN);
	}

	@Test
	void deadWorkerShouldBeWorkerFailedAndNamed() {
		Runnable task = this.workers.periodic("maintenance", "cleanup", Duration.ofMinutes(1), () -> {
			throw new OutOfMemoryError("injected");
		});
		task.run();
		this.connection.connected = false;

		EngineStatus status = report(supervisor()).build();

		assertThat(status.state()).isEqualTo(NodeState.WORKER_FAILED);
		assertThat(status.workers()).singleElement().satisfies((worker) -> {
			assertThat(worker.name()).isEqualTo("maintenance");
			assertThat(worker.state()).isEqualTo(EngineStatus.WorkerState.RESTARTING);
			assertThat(worker.failure()).contains("OutOfMemoryError: injected");
		});
	}

	@Test
	void changesThatCanNeverBePublishedShouldDegradeTheNodeNamingTheirTableAndKey() {
		this.capture.failed = 1;
		this.capture.failedByTable = Map.of("Books", 1L);
		RejectedChange rejected = new RejectedChange(7, "Books", "[42]", "Encoded change is too large");
		EngineStatus status = report(supervisor(), () -> List.of(rejected)).build();

		assertThat(status.state()).isEqualTo(NodeState.PUBLISH_FAILED);
		assertThat(status.problems(EngineStatus.ProblemKind.CHANGES_FAILED)).singleElement()
			.extracting(EngineStatus.Problem::subject)
			.isEqualTo("table Books");
		assertThat(status.failedChanges()).isEqualTo(1);
		assertThat(status.recentFailedChanges())
			.containsExactly(new EngineStatus.FailedChange(7, "Books", "[42]", "Encoded change is too large"));
	}

	@Test
	void replacedDatabaseShouldBeTheProblemRatherThanTheShardsThatStallBecauseOfIt() {
		List<EngineStatus.Problem> found = List.of(
				problem(EngineStatus.ProblemKind.SHARD_STALLED, EngineStatus.Severity.DEGRADED),
				problem(EngineStatus.ProblemKind.SHARD_HEAD_FAILING, EngineStatus.Severity.DEGRADED),
				problem(EngineStatus.ProblemKind.CLOCK_AHEAD, EngineStatus.Severity.DEGRADED));
		assertThat(report(supervisor(), List::of, () -> found).build().problems())
			.extracting(EngineStatus.Problem::kind)
			.as("the shards' own problems while the file is in place")
			.contains(EngineStatus.ProblemKind.SHARD_STALLED, EngineStatus.ProblemKind.SHARD_HEAD_FAILING);

		List<EngineStatus.Problem> replaced = new ArrayList<>(found);
		replaced.add(problem(EngineStatus.ProblemKind.DATABASE_REPLACED, EngineStatus.Severity.DOWN));
		assertThat(report(supervisor(), List::of, () -> replaced).build().problems())
			.extracting(EngineStatus.Problem::kind)
			.containsExactly(EngineStatus.ProblemKind.DATABASE_REPLACED, EngineStatus.ProblemKind.CLOCK_AHEAD);
	}

	private static EngineStatus.Problem problem(EngineStatus.ProblemKind kind, EngineStatus.Severity severity) {
		return new EngineStatus.Problem(kind, severity, "subject", "reason", null);
	}

	@Test
	void nodeThatDoesNotReplicateShouldReportNoPositionsAndUnknownLag() {
		EngineStatus status = report(null).build();

		assertThat(status.state()).isEqualTo(NodeState.RUNNING);
		assertThat(status.shards()).extracting(EngineStatus.Shard::appliedSequence).containsExactly(0L, 0L);
		assertThat(status.shards()).extracting(EngineStatus.Shard::streamLastSequence).containsExactly(10L, 4L);
		assertThat(status.shards()).extracting(EngineStatus.Shard::lag).containsExactly(-1L, -1L);
	}

	@Test
	void countersShouldComeFromTheEngineCounters() {
		this.counters.attach(() -> EngineCounters.RunCounts.of(null, 3, 2, 1, 0));

		EngineStatus status = report(supervisor()).build();

		assertThat(status.nats().reconnects()).isEqualTo(3);
		assertThat(status.schema().pauses()).isEqualTo(2);
		assertThat(status.schema().resumes()).isEqualTo(1);
		assertThat(status.counters().natsReconnects()).isEqualTo(3);
	}

	@Test
	void stoppedEngineShouldStillReportItsCounters() {
		this.counters.attach(() -> EngineCounters.RunCounts.of(null, 3, 0, 0, 0));
		this.counters.detach();

		EngineStatus status = StatusReport.stopped(config(), this.counters);

		assertThat(status.state()).isEqualTo(NodeState.STOPPED);
		assertThat(status.running()).isFalse();
		assertThat(status.counters().natsReconnects()).isEqualTo(3);
		assertThat(status.nats().reconnects()).isEqualTo(3);
	}

	private ShardSupervisor supervisor() {
		return new ShardSupervisor(List.of(this.first, this.second), new ApplyQueue(10),
				new AppliedPositions(Map.of("changes-0", 7L)), (stream, identity) -> true, this.scheduler,
				Duration.ofMinutes(1), 1, this.pauses, Clock.fixed(PAUSED_AT, ZoneOffset.UTC));
	}

	private StatusReport report(@Nullable ShardSupervisor supervisor) {
		return report(supervisor, List::of);
	}

	private StatusReport report(@Nullable ShardSupervisor supervisor, Supplier<List<RejectedChange>> rejections) {
		return report(supervisor, rejections, List::of);
	}

	private StatusReport report(@Nullable ShardSupervisor supervisor, Supplier<List<RejectedChange>> rejections,
			ProblemSource more) {
		List<ShardSource> sources = List.of(this.first, this.second);
		StreamStateCache streams = new StreamStateCache(1, sources, this.clock, () -> {
		});
		streams.refresh();
		return new StatusReport(config(), this.connection, this.capture, this.schema, this.baseline.gate(), sources,
				supervisor, this.workers, this.counters, null, rejections, streams,
				List.of(new ConnectionProblems(config(), this.connection, streams, this.clock),
						new PublishProblems(this.capture, true, this.clock), more),
				this.clock);
	}

	private HarmonyLiteConfig config() {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		return HarmonyLiteConfig.builder()
			.nodeId(1)
			.dbPath(this.dir.resolve("node.db"))
			.nats(NatsConfig.external("nats://a:4222"))
			.replication(new ReplicationConfig(2, "changes", "changes-subject", 1, defaults.maxEntries(), false, false,
					defaults.publishWindow(), defaults.applyBatchSize()))
			.build();
	}

	private static final class FakeConnection implements ConnectionState {

		private boolean connected = true;

		@Override
		public boolean connected() {
			return this.connected;
		}

		@Override
		public @Nullable String connectedUrl() {
			return this.connected ? "nats://127.0.0.1:4222" : null;
		}

	}

}
