package io.harmonylite.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.apply.StreamGap;
import io.harmonylite.replicate.RejectedChange;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaVersion;
import org.jspecify.annotations.Nullable;

/**
 * Assembles an {@link EngineStatus} from the parts of a running node it is given, gathers their problems and decides
 * the node's state. It never waits on NATS: the streams' states come from the {@link StreamStateCache}, read in the
 * background.
 */
final class StatusReport {

	private static final Comparator<EngineStatus.Problem> WORST_FIRST = Comparator
		.comparing(EngineStatus.Problem::severity, Comparator.reverseOrder())
		.thenComparing(EngineStatus.Problem::kind);

	private final HarmonyLiteConfig config;

	private final ConnectionState connection;

	private final CaptureState capture;

	private final SchemaMonitor schema;

	private final SchemaGate gate;

	private final List<ShardSource> sources;

	private final @Nullable ShardSupervisor supervisor;

	private final Workers workers;

	private final EngineCounters counters;

	private final @Nullable NodeSnapshots snapshots;

	private final Supplier<List<RejectedChange>> rejections;

	private final StreamStateCache streams;

	private final List<ProblemSource> problemSources;

	private final Clock clock;

	/**
	 * Creates the report of one running node.
	 * @param config the node's configuration
	 * @param connection the NATS connection
	 * @param capture the change log and triggers
	 * @param schema the schema monitor
	 * @param gate the schema gate, for the paused shards
	 * @param sources the shard sources, for the shard numbers and stream names
	 * @param supervisor the shard supervisor, for positions and gaps; {@code null} when the node does not replicate
	 * @param workers the workers
	 * @param counters the engine's counters, with the node's attached
	 * @param snapshots the snapshot parts, {@code null} when snapshots are disabled
	 * @param rejections the changes the publisher marked failed most recently
	 * @param streams the streams' states read in the background, which also tell whether JetStream answers
	 * @param problemSources the parts that report problems (the workers' are added here)
	 * @param clock the clock
	 */
	StatusReport(HarmonyLiteConfig config, ConnectionState connection, CaptureState capture, SchemaMonitor schema,
			SchemaGate gate, List<ShardSource> sources, @Nullable ShardSupervisor supervisor, Workers workers,
			EngineCounters counters, @Nullable NodeSnapshots snapshots, Supplier<List<RejectedChange>> rejections,
			StreamStateCache streams, List<ProblemSource> problemSources, Clock clock) {
		this.snapshots = snapshots;
		this.rejections = rejections;
		this.config = config;
		this.connection = connection;
		this.capture = capture;
		this.schema = schema;
		this.gate = gate;
		this.sources = List.copyOf(sources);
		this.supervisor = supervisor;
		this.workers = workers;
		this.counters = counters;
		this.streams = streams;
		this.problemSources = List.copyOf(problemSources);
		this.clock = clock;
	}

	/**
	 * The status of an engine that is not started.
	 * @param config the engine's configuration
	 * @param counters the engine's counters
	 * @return the status
	 */
	static EngineStatus stopped(HarmonyLiteConfig config, EngineCounters counters) {
		EngineStatus.Counters counts = counters.totals();
		return new EngineStatus(config.nodeId(), HarmonyLiteVersion.current(), NodeState.STOPPED, config.publish(),
				config.replicate(), new EngineStatus.Nats(config.nats().isEmbedded(), config.nats().urls(), false,
						counts.natsReconnects()),
				List.of(), 0, 0, List.of(), null, List.of(), counts);
	}

	EngineStatus build() {
		Instant now = this.clock.instant();
		boolean reachable = this.connection.connected() && this.streams.answering(now);
		List<EngineStatus.Shard> shards = shards(reachable);
		EngineStatus.Counters counts = this.counters.totals();
		SchemaVersion version = this.schema.version();
		List<String> watched = this.schema.watchedTables();
		EngineStatus.Schema schemaStatus = new EngineStatus.Schema(version.hash(), version.previousHash(),
				version.updatedAt(), counts.schemaPauses(), counts.schemaResumes());
		boolean captureIntact = this.capture.triggerCount() >= 3 * watched.size();
		EngineStatus.Snapshots snapshotStatus = (this.snapshots != null) ? this.snapshots.status() : null;
		long failed = this.capture.failedChanges();
		List<EngineStatus.Problem> problems = problems(shards, snapshotStatus);
		// Changes that can never be sent make the node PUBLISH_FAILED rather than DEGRADED: everything else flows.
		NodeState state = state(captureIntact, this.workers.anyDead(), reachable, shards, snapshotStatus,
				problems.stream().filter((problem) -> problem.kind() != EngineStatus.ProblemKind.CHANGES_FAILED)
					.toList());
		if (state == NodeState.RUNNING && failed > 0) {
			state = NodeState.PUBLISH_FAILED;
		}
		List<EngineStatus.FailedChange> recentFailed = this.rejections.get()
			.stream()
			.map((change) -> new EngineStatus.FailedChange(change.changeId(), change.table(), change.key(),
					change.reason()))
			.toList();
		return new EngineStatus(this.config.nodeId(), HarmonyLiteVersion.current(), state, this.config.publish(),
				this.config.replicate(),
				nats(this.connection.connected(), counts.natsReconnects()),
				shards, this.capture.pendingChanges(), failed, watched, schemaStatus,
				this.workers.status(), counts, snapshotStatus, recentFailed, problems);
	}

	private List<EngineStatus.Problem> problems(List<EngineStatus.Shard> shards,
			EngineStatus.@Nullable Snapshots snapshots) {
		List<EngineStatus.Problem> problems = new ArrayList<>(this.workers.problems());
		this.problemSources.forEach((source) -> problems.addAll(source.problems()));
		// A gap that a snapshot heals (or will, once one fits) is no call for action.
		boolean healing = snapshots != null && (snapshots.restoring() != null || snapshots.waiting() != null);
		if (this.supervisor != null) {
			this.supervisor.suspectedGaps()
				.forEach((shard, suspected) -> problems.add(new EngineStatus.Problem(EngineStatus.ProblemKind.STREAM_GAP,
						EngineStatus.Severity.DEGRADED, "shard " + shard, "stream " + suspected.gap().stream() + " "
								+ suspected.gap().problem() + ". Not yet confirmed: a stream that has just elected a leader can answer with an older "
								+ "state for a moment, so the node checks again for "
								+ ShardSupervisor.GAP_CONFIRMATION.toSeconds() + " s before it stops the shard.",
						suspected.since())));
		}
		for (EngineStatus.Shard shard : shards) {
			if (shard.gap() != null) {
				problems.add(new EngineStatus.Problem(EngineStatus.ProblemKind.STREAM_GAP,
						healing ? EngineStatus.Severity.DEGRADED : EngineStatus.Severity.DOWN, "shard " + shard.shard(),
						shard.gap(), null));
			}
		}
		if (problems.stream().anyMatch((problem) -> problem.kind() == EngineStatus.ProblemKind.DATABASE_REPLACED)) {
			// Nothing is applied to a file that was replaced: shards that stall for that are no separate call for action.
			problems.removeIf((problem) -> problem.kind() == EngineStatus.ProblemKind.SHARD_STALLED
					|| problem.kind() == EngineStatus.ProblemKind.SHARD_HEAD_FAILING);
		}
		problems.sort(WORST_FIRST);
		return problems;
	}

	/**
	 * The worst that applies, in the documented order.
	 */
	static NodeState state(boolean captureIntact, boolean workerDead, boolean connected,
			List<EngineStatus.Shard> shards) {
		return state(captureIntact, workerDead, connected, shards, null, List.of());
	}

	/**
	 * The worst that applies, in the documented order: a restore in progress explains a stopped shard, a gap that
	 * a snapshot will heal is waited for rather than left to an operator, and any other problem that leaves
	 * replication running in part makes the node {@link NodeState#DEGRADED}.
	 */
	static NodeState state(boolean captureIntact, boolean workerDead, boolean connected,
			List<EngineStatus.Shard> shards, EngineStatus.@Nullable Snapshots snapshots,
			List<EngineStatus.Problem> problems) {
		if (!captureIntact) {
			return NodeState.CAPTURE_BROKEN;
		}
		if (workerDead) {
			return NodeState.WORKER_FAILED;
		}
		if (snapshots != null && snapshots.restoring() != null) {
			return NodeState.RESTORING;
		}
		if (shards.stream().anyMatch((shard) -> shard.gap() != null)) {
			return (snapshots != null && snapshots.waiting() != null) ? NodeState.WAITING_FOR_SNAPSHOT
					: NodeState.STREAM_GAP;
		}
		if (!connected) {
			return NodeState.DISCONNECTED;
		}
		if (!problems.isEmpty()) {
			return NodeState.DEGRADED;
		}
		if (shards.stream().anyMatch(EngineStatus.Shard::paused)) {
			return NodeState.PAUSED_SCHEMA_MISMATCH;
		}
		if (shards.stream().anyMatch(EngineStatus.Shard::pausedManually)) {
			return NodeState.PAUSED_MANUALLY;
		}
		return NodeState.RUNNING;
	}

	private List<EngineStatus.Shard> shards(boolean reachable) {
		Map<Integer, SchemaGate.Pause> paused = this.gate.pausedShards();
		List<EngineStatus.Shard> shards = new ArrayList<>();
		for (ShardSource source : this.sources) {
			int shard = source.shard();
			long applied = (this.supervisor != null) ? this.supervisor.applied(source.stream()) : 0;
			StreamStateCache.Read read = this.streams.read(shard);
			// The last sequence read while JetStream answers; unknown while it does not (it may have grown since).
			long last = (reachable && read != null) ? read.state().lastSequence() : -1;
			SchemaGate.Pause pause = paused.get(shard);
			StreamGap gap = (this.supervisor != null) ? this.supervisor.gap(shard) : null;
			shards.add(new EngineStatus.Shard(shard, source.stream(), applied, last,
					(last >= 0 && this.supervisor != null) ? Math.max(0, last - applied) : -1, pause != null,
					(pause != null) ? pause.remoteHash() : null, (pause != null) ? pause.since() : null,
					(gap != null) ? gap.describe() : null, this.counters.deadLetters(shard),
					(this.supervisor != null) ? this.supervisor.pausedManuallySince(shard) : null,
					(read != null) ? read.at() : null));
		}
		return shards;
	}

	private EngineStatus.Nats nats(boolean connected, long reconnects) {
		ConnectionState.Server server = this.connection.server();
		return new EngineStatus.Nats(this.config.nats().isEmbedded(), servers(), connected, reconnects,
				server.embeddedServer(), server.version(), server.sync(), server.replicas(), server.durableAcks(),
				server.durabilityWarning());
	}

	private List<String> servers() {
		String url = this.connection.connectedUrl();
		return (url != null) ? List.of(url) : this.config.nats().urls();
	}

}
