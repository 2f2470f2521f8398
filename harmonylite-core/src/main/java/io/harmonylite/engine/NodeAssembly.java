package io.harmonylite.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.harmonylite.apply.AppliedPositions;
import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.ApplyQueue;
import io.harmonylite.apply.ApplyResult;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.DeadLetteredChanges;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.apply.StreamState;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.capture.PendingChange;
import io.harmonylite.capture.PublishedThrough;
import io.harmonylite.capture.RecordedChanges;
import io.harmonylite.capture.WentBackMarker;
import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LiveRowVersions;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.conflict.VersionCleanup;
import io.harmonylite.conflict.VersionColumnRenames;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.nats.DurabilityStatus;
import io.harmonylite.nats.KvSchemaRegistry;
import io.harmonylite.nats.NatsNode;
import io.harmonylite.nats.NatsPreflight;
import io.harmonylite.nats.NodePresence;
import io.harmonylite.nats.embedded.EmbeddedServerState;
import io.harmonylite.replicate.ChangePublisher;
import io.harmonylite.replicate.ChangeRecorder;
import io.harmonylite.replicate.PublishedMarks;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.replicate.ShardRouter;
import io.harmonylite.replicate.Signal;
import io.harmonylite.schema.ClusterWireFormat;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaChangeDetector;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaRegistry;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.schema.UnknownHashQuarantine;
import io.harmonylite.snapshot.DirectorySnapshotStore;
import io.harmonylite.snapshot.ReplicatedTables;
import io.harmonylite.snapshot.ReplicationState;
import io.harmonylite.snapshot.RowsNeverCaptured;
import io.harmonylite.snapshot.SnapshotConfig;
import io.harmonylite.snapshot.SnapshotLease;
import io.harmonylite.snapshot.SnapshotRestorer;
import io.harmonylite.snapshot.SnapshotSaver;
import io.harmonylite.snapshot.SnapshotScheduler;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotStoreFactory;
import io.harmonylite.snapshot.SnapshotTaker;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.sqlite.SqliteConnections.Synchronous;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link RunningNode} in one pass, in a fixed and logged order: open the database, install capture, compute
 * the schema hash, connect to NATS (or start the embedded server), ensure the streams, publish the schema state, start
 * the consumers, start the publisher. Every part is created with all it needs, and registered to be closed in reverse
 * order; a failing step closes what the steps before it started, and removes the capture it installed in a database
 * that had none ({@link FirstCaptureUndo}). The only part of the engine that knows NATS.
 */
final class NodeAssembly {

	private static final Logger logger = LoggerFactory.getLogger(NodeAssembly.class);

	private static final int STEPS = 8;

	private static final Duration HEARTBEAT = Duration.ofSeconds(60);

	/** How often a running node renews its id's key and checks that no other node wrote it. */
	private static final Duration NODE_ID_CHECK = Duration.ofSeconds(5);

	/** How often the streams' states are read in the background. */
	private static final Duration STREAM_WATCH = Duration.ofSeconds(1);

	/** How often the change event format is decided again from the schema registry. */
	private static final Duration WIRE_FORMAT_CHECK = Duration.ofSeconds(5);

	/** How often the schema hashes of the registry are read while a shard waits on a hash. */
	private static final Duration QUARANTINE_CHECK = Duration.ofSeconds(1);

	private final HarmonyLiteConfig config;

	private final Clock clock;

	private final ApplyListener applyListener;

	private final WorkerFailureCallback workerCallback;

	private final EngineCounters counters;

	private final BooleanSupplier migrating;

	private final Supplier<@Nullable String> migrationVersion;

	private final @Nullable ReplicatedChangeDispatcher changeDispatcher;

	private final int wireFormat;

	private final boolean nodePresence;

	private final ConflictSettings conflicts;

	private final Resources resources;

	/** Set once the database is open: undoes a first installation of capture when the start fails. */
	private @Nullable FirstCaptureUndo captureUndo;

	private NodeAssembly(HarmonyLiteConfig config, Clock clock, ApplyListener applyListener,
			WorkerFailureCallback workerCallback, EngineCounters counters, BooleanSupplier migrating,
			Supplier<@Nullable String> migrationVersion, @Nullable ReplicatedChangeDispatcher changeDispatcher,
			int wireFormat, boolean nodePresence) {
		this.config = config;
		this.clock = clock;
		this.applyListener = applyListener;
		this.workerCallback = workerCallback;
		this.counters = counters;
		this.migrating = migrating;
		this.migrationVersion = migrationVersion;
		this.changeDispatcher = changeDispatcher;
		this.wireFormat = wireFormat;
		this.nodePresence = nodePresence;
		this.conflicts = config.conflicts();
		this.resources = new Resources(config.nodeId());
	}

	/**
	 * Starts a node.
	 * @param config the configuration
	 * @param clock the clock for timestamps and intervals
	 * @param applyListener told about every applied change, the engine's counters first
	 * @param workerCallback told when a worker dies
	 * @param counters the engine's counters, attached to the parts of the node that count for themselves
	 * @param migrating whether a migration holds capture off, so that the schema check leaves the triggers alone
	 * @param migrationVersion the application's migration version, published with the schema state
	 * @param changeDispatcher hands other nodes' changes to the application's listeners, {@code null} when it has none
	 * @param wireFormat the newest change event format this node reads and writes
	 * @param nodePresence whether the node checks and holds its id in the cluster ({@link NodePresence})
	 * @return the running node
	 * @throws io.harmonylite.HarmonyLiteException if a step fails; the steps before it are undone, and capture is
	 * removed again from a database that had none before
	 */
	static RunningNode start(HarmonyLiteConfig config, Clock clock, ApplyListener applyListener,
			WorkerFailureCallback workerCallback, EngineCounters counters, BooleanSupplier migrating,
			Supplier<@Nullable String> migrationVersion, @Nullable ReplicatedChangeDispatcher changeDispatcher,
			int wireFormat, boolean nodePresence) {
		NodeAssembly assembly = new NodeAssembly(config, clock, applyListener, workerCallback, counters, migrating,
				migrationVersion, changeDispatcher, wireFormat, nodePresence);
		try {
			return assembly.assemble();
		}
		catch (RuntimeException ex) {
			assembly.resources.close();
			if (assembly.captureUndo != null) {
				assembly.captureUndo.undo();
			}
			throw ex;
		}
	}

	/**
	 * The snapshot operations of a stopped node: NATS (its embedded server too) is reached only when an operation
	 * needs it, and left when they are closed.
	 * @param config the configuration
	 * @param clock the clock
	 * @return the operations; close them after use
	 */
	static OfflineSnapshots offlineSnapshots(HarmonyLiteConfig config, Clock clock) {
		return new OfflineSnapshots(config, clock, new OfflineCluster(config));
	}

	private RunningNode assemble() {
		long node = this.config.nodeId();
		OfflineWrites offlineWrites = OfflineWrites.before(this.config.dbPath(), this.clock);
		// What would certainly keep the node from reaching NATS (a taken port, an unwritable
		// store) fails at once, naming the property, rather than as a failed connection or an exited server.
		NatsPreflight.check(this.config.nats(), node, this.config.dbPath());
		// NATS is reached (its embedded server started) while the database steps run.
		BackgroundOpening<NatsNode> natsOpening = this.resources.add(BackgroundOpening.start(
				"harmonylite-nats-open-" + node,
				() -> NatsNode.open(this.config.nats(), this.config.replication(), node, this.config.dbPath())));
		step(1, "opening database {}", this.config.dbPath());
		Connection captureConnection = open();
		this.captureUndo = FirstCaptureUndo.before(node, this.config.dbPath(), captureConnection);
		step(2, "installing change capture");
		this.counters.conflicts().startedAgain();
		markIfWentBackWhileStopped(captureConnection);
		ChangeCapture capture = new ChangeCapture(captureConnection, this.config.tables(), this.config.ignoreTables(),
				new VersionColumnRenames(), new LiveRowVersions());
		SchemaVersionStore versions = new SchemaVersionStore(captureConnection);
		SchemaChangeDetector detector = new SchemaChangeDetector(open());
		step(3, "computing the schema hash");
		SchemaMonitor.Baseline baseline = SchemaMonitor.baseline(node, capture, versions, detector, this.clock);
		SchemaGate gate = baseline.gate();
		logger.info("Node {}: capturing changes of {} table(s): {}", node, baseline.tables().size(),
				baseline.tables().stream().map(TableSchema::name).toList());
		offlineWrites.record(captureConnection, this.conflicts, this.clock, this.counters.conflicts());
		Connection statusConnection = open();
		CaptureState captureState = captureState(statusConnection);
		// Read by the status and by the snapshot check, on the status's connection.
		Supplier<Map<String, DeadLetteredChanges.Lacking>> lacking = () -> DeadLetteredChanges
			.byTable(statusConnection);
		step(4, "waiting for the connection to NATS ({}), begun at step 1",
				this.config.nats().isEmbedded() ? "embedded nats-server" : this.config.nats().urls());
		NatsNode nats = natsOpening.join();
		step(5, "ensuring {} shard stream(s)", this.config.replication().shards());
		nats.ensureStreams();
		// After the streams: by then JetStream answers, also for an embedded server that just joined its cluster.
		SettingsAgreement settings = new SettingsAgreement(node, new SettingsAgreement.Settings(
				this.config.replication().shards(), this.config.replication().subjectPrefix()), this.clock);
		NodePresence presence = this.nodePresence ? claimNodeId(nats, settings) : null;
		ScheduledExecutorService scheduler = startScheduler("maintenance");
		Workers workers = this.resources.add(new Workers(node, this.clock, scheduler, this.workerCallback,
				Workers.Backoff.DEFAULT));
		List<ShardSource> sources = IntStream.range(0, this.config.replication().shards())
			.mapToObj(nats::shardSource)
			.toList();
		Signal snapshotWake = new Signal();
		// The shards start and stop on a thread of their own: a restart may wait for JetStream, and must not hold up
		// the maintenance tasks and worker restarts.
		Receiving receiving = this.config.replicate()
				? receiving(sources, startScheduler("shards"), snapshotWake, nats.replicas()) : null;
		step(6, "publishing the schema state to the registry");
		SchemaRegistry registry = nats.schemaRegistry();
		SchemaMonitor schema = new SchemaMonitor(node, capture, versions, detector, this.clock, baseline, registry,
				this.migrationVersion, this.wireFormat, () -> {
					if (receiving != null) {
						receiving.supervisor().redeliverPausedNow();
					}
					// A snapshot refused for its schema hash may fit now.
					snapshotWake.raise();
				});
		schema.publish();
		ClusterWireFormat wireFormat = new ClusterWireFormat(node, this.wireFormat);
		wireFormat.refresh(registry);
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(node,
				this.config.schema().unknownHashQuarantine(), this.clock);
		quarantine.refresh(registry);
		ApplyLoop loop = (receiving != null) ? applyLoop(receiving, gate, nats, quarantine) : null;
		DeadLetterOperations deadLetters = (receiving != null && loop != null)
				? deadLetters(nats, receiving.applier(), gate, quarantine,
						(changes) -> applyBetweenBatches(loop, receiving, changes))
				: null;
		SnapshotActivity activity = this.config.snapshot().enabled() ? snapshotActivity(nats) : null;
		// One lease for the cluster: a node waiting for a snapshot asks its holder through it.
		SnapshotLease lease = nats.snapshotLease(this.config.snapshot().leaseTtl());
		SnapshotRecovery recovery = startConsumers(receiving, loop, gate, workers, activity, snapshotWake, sources,
				lease::requestSnapshot);
		Signal databaseChanged = new Signal();
		ChangePublisher publisher = startPublisher(nats, gate, schema, wireFormat, workers, databaseChanged);
		NodeSnapshots snapshots = (activity != null)
				? startSnapshots(lease, activity, recovery, receiving, gate, lacking, scheduler, workers) : null;
		scheduleMaintenance(scheduler, workers, schema, wireFormat, registry);
		if (presence != null) {
			every(scheduler, workers, "node id check", NODE_ID_CHECK, () -> {
				presence.renew().ifPresent(this::nodeIdTaken);
				// Unreadable (JetStream busy or away): what was found before still holds.
				settingsOf(presence.others()).ifPresent(settings::check);
			});
		}
		StuckReplicaHealer stuckReplicas = new StuckReplicaHealer(this.config.nodeId(),
				() -> nats.stuckReplicas(StuckReplicaHealer.SILENCE), nats::replicasCurrent, nats::embeddedStoreSpace,
				nats::embeddedStoreFull, nats::restartEmbeddedServer, this.clock);
		every(scheduler, workers, "stuck-replica check", StuckReplicaHealer.INTERVAL, stuckReplicas);
		// Read often, but only while a shard waits on a schema hash, so an unknown one is judged soon after its delay.
		every(scheduler, workers, "schema quarantine", QUARANTINE_CHECK, () -> {
			if (gate.isPaused()) {
				quarantine.refresh(registry);
			}
		});
		this.counters.attach(() -> EngineCounters.RunCounts.of((publisher != null) ? publisher.stats() : null,
				nats.reconnects(), gate.pauseCount(), gate.resumeCount(), workers.restarts()));
		ShardSupervisor supervisor = (receiving != null) ? receiving.supervisor() : null;
		ConnectionState connection = connectionState(nats);
		StreamWatch watch = watchStreams(nats, sources, receiving, loop, gate, publisher, workers);
		StreamStateCache streams = watch.streams();
		ClockAheadProblems clockAhead = new ClockAheadProblems(this.counters.conflicts()::lastLocalVersion, this.clock,
				(presence != null) ? presence::aheadOfServers : Optional::empty,
				this.config.replication().maxClockSkew());
		// Looked at also when nobody asks for the status, so that the log says it when it happens.
		every(scheduler, workers, "clock check", WIRE_FORMAT_CHECK, clockAhead::problems);
		List<ProblemSource> problems = new ArrayList<>(List.of(
				new ConnectionProblems(this.config, connection, streams, this.clock),
				new PublishProblems(captureState, publisher != null, this.clock), schema,
				new DeadLetterProblems(lacking),
				new NodeIdClashProblems(this.counters.conflicts(), this.clock), clockAhead,
				new ClockDraggedProblems(this.counters.conflicts()::furthestAheadApplied, this.clock,
						this.config.replication().maxClockSkew()),
				settings,
				new PermissionProblems(() -> nats.lastPermissionDenial()
					.map((denial) -> new PermissionProblems.Refusal(denial.operation(), denial.subject(), denial.at())),
						this.clock),
				new DatabaseFileWatch(this.config.nodeId(), this.config.dbPath(), this.clock,
						wentBack((receiving != null) ? receiving.applier()::wentBack : () -> null)),
				stuckReplicas,
				new StoreDirectoryWatch(this.config.nodeId(), nats.embeddedStoreDir(),
						nats.replicas(), nats::embeddedServerPid, this.clock)));
		if (watch.stalls() != null) {
			problems.add(watch.stalls());
		}
		if (snapshots != null) {
			problems.add(snapshots);
		}
		if (loop != null) {
			problems.add(new ApplyProblems(loop::blocked, loop::inProgress, (shard) -> gate.pausedShards().containsKey(shard),
					this.clock));
		}
		StatusReport status = new StatusReport(this.config, connection, captureState, schema, gate, sources,
				supervisor, workers, this.counters, snapshots,
				(publisher != null) ? publisher.stats()::recentRejections : List::of, streams, problems, this.clock);
		return new RunningNode(this.config, capture, schema, captureState, registry, supervisor, loop, deadLetters,
				publisher,
				databaseChanged, status, snapshots, this.resources);
	}

	/**
	 * Stops the start when another running node holds this node's id, or replicates with other settings; else takes
	 * the id.
	 */
	private NodePresence claimNodeId(NatsNode nats, SettingsAgreement settings) {
		long node = this.config.nodeId();
		NodePresence presence = this.resources.add(nats.nodePresence(NodePresence.Identity
			.ofThisProcess(this.config.dbPath(), this.clock.instant(), this.config.replication().shards(),
					this.config.replication().subjectPrefix())));
		presence.claim().ifPresent((other) -> {
			throw new ConfigException("harmonylite.node-id", node + " is already used by a running node (" + other
					+ "). Give every node its own id. If that node was this one's previous run elsewhere, it stopped "
					+ "less than " + NodePresence.TTL.toSeconds() + " s ago: start again after that. Two nodes with "
					+ "one id tie on versions and take each other's changes for their own");
		});
		SettingsAgreement.Disagreement disagreement = settingsOf(presence.othersAtStartup())
			.map(settings::disagreementWith)
			.orElse(null);
		if (disagreement != null) {
			throw new ConfigException(disagreement.property(), disagreement.reason());
		}
		return presence;
	}

	private static Optional<Map<Long, SettingsAgreement.Settings>> settingsOf(
			Optional<Map<Long, NodePresence.Identity>> nodes) {
		return nodes.map((others) -> {
			Map<Long, SettingsAgreement.Settings> settings = new TreeMap<>();
			others.forEach((nodeId, other) -> settings.put(nodeId,
					new SettingsAgreement.Settings(other.shards(), other.subjectPrefix())));
			return settings;
		});
	}

	private void nodeIdTaken(NodePresence.Identity other) {
		long node = this.config.nodeId();
		ConflictStats.NodeIdClash clash = new ConflictStats.NodeIdClash(node, other.toString(), this.clock.instant());
		if (this.counters.conflicts().nodeIdClash(clash)) {
			logger.error("Node {}: another node runs with harmonylite.node-id={} ({}). Give every node its own id and "
					+ "restart the one that is wrong: two nodes with one id tie on versions and take each other's "
					+ "changes for their own", node, node, other);
		}
	}

	/**
	 * Reads the streams' states in the background, every {@link #STREAM_WATCH} on a thread of its own, for a status
	 * that never waits on NATS; restarts stalled shards; and when JetStream answers again after a silence, restarts
	 * every shard and wakes the publisher at once rather than after their own timeouts.
	 */
	private StreamWatch watchStreams(NatsNode nats, List<ShardSource> sources, @Nullable Receiving receiving,
			@Nullable ApplyLoop loop, SchemaGate gate, @Nullable ChangePublisher publisher, Workers workers) {
		List<ShardSource> probes = IntStream.range(0, this.config.replication().shards())
			.mapToObj(nats::streamProbe)
			.toList();
		StreamStateCache streams = new StreamStateCache(this.config.nodeId(), probes, this.clock, () -> {
			if (receiving != null) {
				receiving.supervisor().resyncAll();
			}
			if (publisher != null) {
				publisher.retryNow();
			}
		});
		streams.refresh();
		ShardStallWatch stalls = (receiving != null) ? new ShardStallWatch(this.config.nodeId(), sources,
				receiving.supervisor(), streams, (shard) -> gate.pausedShards().containsKey(shard),
				() -> receiving.queue().size() > 0 || (loop != null && loop.inProgress().isPresent()), this.clock)
				: null;
		ServerFailover failover = new ServerFailover(streams, nats::isConnected, nats::reconnectElsewhere, this.clock);
		ScheduledExecutorService watcher = startScheduler("streams");
		watcher.scheduleWithFixedDelay(workers.periodic("stream-watch", "stream watch", STREAM_WATCH, () -> {
			streams.refresh();
			failover.run();
			if (publisher != null && streams.lastFailure() == null) {
				publisher.answered();
			}
			if (stalls != null) {
				stalls.check();
			}
		}), STREAM_WATCH.toMillis(), STREAM_WATCH.toMillis(), TimeUnit.MILLISECONDS);
		return new StreamWatch(streams, stalls);
	}

	private Receiving receiving(List<ShardSource> sources, ScheduledExecutorService scheduler, Signal gapFound,
			int replicas) {
		ChangeApplier applier = this.resources.add(new ChangeApplier(open(), this.clock, this.conflicts,
				this.counters.conflicts(), this.config.tables(), this.config.ignoreTables()));
		ApplyQueue queue = new ApplyQueue(this.config.replication().applyBatchSize());
		AppliedPositions positions = new AppliedPositions(applier.positions());
		ManualPauses pauses = new ManualPauses(this.config.nodeId(), new MetaPauseStore(open()));
		ShardSupervisor supervisor = new ShardSupervisor(sources, queue, positions, applier::confirmStreamIdentity,
				scheduler, this.config.schema().nakDelay(), this.config.nodeId(), pauses, this.clock, gapFound::raise,
				// Only a replicated stream elects leaders, which may answer with an older state for a moment.
				(replicas > 1) ? ShardSupervisor.GAP_CONFIRMATION : Duration.ZERO);
		return new Receiving(applier, queue, positions, supervisor);
	}

	private ApplyLoop applyLoop(Receiving receiving, SchemaGate gate, NatsNode nats, UnknownHashQuarantine quarantine) {
		ReplicationConfig replication = this.config.replication();
		return new ApplyLoop(receiving.applier(), receiving.queue(), receiving.positions(), gate,
				receiving.supervisor(), nats.deadLetterSink(), this.applyListener,
				new ChangeEventCodec(replication.compress()), this.clock, replication.applyBatchSize(), quarantine);
	}

	private DeadLetterOperations deadLetters(NatsNode nats, ChangeApplier applier, SchemaGate gate,
			UnknownHashQuarantine quarantine, Function<List<PositionedChange>, ApplyResult> writer) {
		DeadLetterReplay replay = new DeadLetterReplay(this.config.nodeId(), nats.deadLetters(), applier, writer, gate,
				new ChangeEventCodec(this.config.replication().compress()),
				(hash) -> quarantine.gone(hash, gate.currentHash()));
		return new DeadLetterOperations() {

			@Override
			public List<DeadLetterEntry> list(DeadLetterFilter filter) {
				return replay.list(filter);
			}

			@Override
			public ReapplyReport reapply(DeadLetterFilter filter) {
				return replay.reapply(filter);
			}

		};
	}

	/** Applies a dead letter's changes with the loop's applier while the loop waits between two batches. */
	private static ApplyResult applyBetweenBatches(ApplyLoop loop, Receiving receiving,
			List<PositionedChange> changes) {
		try (ApplyLoop.Pause pause = loop.pause()) {
			return receiving.applier().apply(changes);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new HarmonyLiteException("Interrupted while waiting for the apply loop to re-apply a dead letter",
					ex);
		}
	}

	/**
	 * The dead-letter operations of a stopped node: the database and NATS (its embedded server too) are opened for
	 * each call and closed after it.
	 * @param config the configuration
	 * @param clock the clock
	 * @return the operations
	 */
	static DeadLetterOperations offlineDeadLetters(HarmonyLiteConfig config, Clock clock) {
		return new DeadLetterOperations() {

			@Override
			public List<DeadLetterEntry> list(DeadLetterFilter filter) {
				return withOffline(config, clock, (node) -> node.replay().list(filter));
			}

			@Override
			public ReapplyReport reapply(DeadLetterFilter filter) {
				return withOffline(config, clock, (node) -> node.replay().reapply(filter));
			}

		};
	}

	/**
	 * Shows the next message of a stopped node's shards, opening the database and NATS for the call only.
	 * @param config the configuration
	 * @param clock the clock
	 * @param shard the shard, {@code null} for all
	 * @return by shard
	 */
	static List<ShardHead> offlineShardHeads(HarmonyLiteConfig config, Clock clock, @Nullable Integer shard) {
		return withOffline(config, clock, (node) -> node.heads().show(shard));
	}

	/**
	 * Skips the next message of a stopped node's shard to the dead letter, opening the database and NATS for the call
	 * only.
	 * @param config the configuration
	 * @param clock the clock
	 * @param shard the shard
	 * @param force also when the message would apply now
	 * @return what was skipped, or why not
	 */
	static ShardHead.Skip offlineSkip(HarmonyLiteConfig config, Clock clock, int shard, boolean force) {
		return withOffline(config, clock, (node) -> node.heads().skip(shard, force));
	}

	private static <T> T withOffline(HarmonyLiteConfig config, Clock clock, Function<OfflineNode, T> operation) {
		// Local changes take part in the merge only where capture is installed (the node ran here before).
		ConflictSettings conflicts = OfflineSchema.captureInstalled(config.dbPath())
				? config.conflicts()
				: ConflictSettings.applyOnly();
		try (NatsNode nats = NatsNode.open(config.nats(), config.replication(), config.nodeId(), config.dbPath());
				ChangeApplier applier = new ChangeApplier(SqliteConnections.open(config.dbPath()), clock, conflicts,
						new ConflictStats(), config.tables(), config.ignoreTables());
				Connection connection = SqliteConnections.open(config.dbPath())) {
			nats.ensureStreams();
			return operation.apply(new OfflineNode(config, nats, applier, OfflineSchema.gate(config, connection),
					new ChangeEventCodec(config.replication().compress())));
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not close " + config.dbPath() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * A stopped node's database and NATS, opened for one operation.
	 */
	private record OfflineNode(HarmonyLiteConfig config, NatsNode nats, ChangeApplier applier,
			SchemaGate gate, ChangeEventCodec codec) {

		DeadLetterReplay replay() {
			return new DeadLetterReplay(this.config.nodeId(), this.nats.deadLetters(), this.applier,
					this.applier::apply, this.gate, this.codec, this::goneFromCluster);
		}

		ShardHeads heads() {
			NatsNode connected = this.nats;
			ShardHeads.Streams streams = new ShardHeads.Streams() {

				@Override
				public @Nullable ReceivedMessage message(int shard, long sequence) {
					return connected.shardMessage(shard, sequence);
				}

				@Override
				public StreamState state(int shard) {
					return connected.shardSource(shard).state();
				}

				@Override
				public Optional<NodeSchemaState> registered() {
					return connected.registeredState();
				}

			};
			return new ShardHeads(this.config.replication(), streams, KvSchemaRegistry.DEFAULT_TTL, this.applier,
					this.gate, this.codec, this.nats.deadLetterSink(), this::leftByCluster);
		}

		/** Whether no running node has a schema hash any more while all run this node's, from the registry now. */
		private boolean goneFromCluster(String hash) {
			return UnknownHashQuarantine.gone(this.nats.schemaRegistry().nodes(), hash, this.gate.currentHash());
		}

		/** Whether the cluster left a schema hash, from the registry as it is now. */
		private boolean leftByCluster(String hash) {
			return UnknownHashQuarantine.left(this.nats.schemaRegistry().nodes(), hash, this.gate.currentHash());
		}

	}

	private @Nullable SnapshotRecovery startConsumers(@Nullable Receiving receiving, @Nullable ApplyLoop loop,
			SchemaGate gate, Workers workers, @Nullable SnapshotActivity activity, Signal snapshotWake,
			List<ShardSource> sources, Runnable requestSnapshot) {
		if (receiving == null || loop == null) {
			step(7, "replicate=false: changes from the cluster are not applied");
			return null;
		}
		ReplicationConfig replication = this.config.replication();
		step(7, "starting consumers of {} shard(s)", replication.shards());
		ShardSupervisor supervisor = receiving.supervisor();
		if (this.changeDispatcher != null) {
			// Started before the apply loop, so stopped after it: it can still deliver the loop's last batch.
			ReplicatedChangeDispatcher.Delivery delivery = this.changeDispatcher.delivery();
			this.resources.add(workers.start(new LoopWorker("events", delivery, delivery::stop, () -> {
			})));
		}
		// A restarted loop lost the batch it held: its shards restart from the positions applied.
		this.resources.add(workers.start(new LoopWorker("apply", loop, loop::stop, supervisor::resyncAll)));
		this.resources.add(supervisor);
		if (activity == null) {
			supervisor.startAll();
			return null;
		}
		SnapshotConfig snapshot = this.config.snapshot();
		boolean capturedBefore = this.captureUndo == null || this.captureUndo.captureFound();
		SnapshotRecovery recovery = new SnapshotRecovery(this.config.nodeId(), activity.store(), snapshot.restore(),
				new SnapshotRestorer(this.config.dbPath(), this.conflicts, replicatedTables(),
						snapshot.workDirectory(this.config.dbPath()), this.clock),
				new RowsNeverCaptured(this.config.nodeId(), this.config.dbPath(), replicatedTables()), supervisor, loop, receiving.positions(), gate::currentHash, () -> NodeSnapshots.streamStates(sources),
				() -> ReplicationState.isAbsent(this.config.dbPath(), capturedBefore), this::unsentChangesOlderThanTombstones,
				activity, this.counters, snapshotWake, requestSnapshot, snapshot.leaseHeartbeat(), this.clock);
		// Started before the shards, closed before the supervisor: a restore in progress ends before the node stops.
		this.resources.add(workers.start(new LoopWorker("snapshot-recovery", recovery, recovery::stop, () -> {
		})));
		recovery.startShards();
		return recovery;
	}

	/**
	 * Whether the node holds unsent changes of its own captured longer ago than the tombstone retention.
	 */
	private boolean unsentChangesOlderThanTombstones() {
		try (Connection connection = SqliteConnections.open(this.config.dbPath())) {
			PendingChange oldest = new ChangeLogReader(connection, this.config.nodeId()).oldestPending();
			return oldest != null && oldest.capturedAt()
				.isBefore(this.clock.instant().minus(this.config.replication().tombstoneRetention()));
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the oldest unsent change: " + ex.getMessage(), ex);
		}
	}

	private SnapshotActivity snapshotActivity(NatsNode nats) {
		SnapshotConfig snapshot = this.config.snapshot();
		SnapshotStore store = switch (snapshot.store()) {
			case NATS -> nats.snapshotStore(snapshot.bucket());
			case DIRECTORY -> new DirectorySnapshotStore(Objects.requireNonNull(snapshot.directory()));
			case S3 -> SnapshotStoreFactory.load(snapshot);
		};
		if (store instanceof AutoCloseable closeable) {
			this.resources.add(closeable);
		}
		SnapshotActivity activity = new SnapshotActivity(this.config.nodeId(), store,
				snapshot.staleThreshold().orElse(null), this.clock);
		activity.refresh();
		return activity;
	}

	/**
	 * Starts taking the scheduled snapshots while this node holds the lease; a node that does not apply the cluster's
	 * changes takes none (its copy would miss them), so it does not compete for the lease.
	 */
	private NodeSnapshots startSnapshots(SnapshotLease lease, SnapshotActivity activity,
			@Nullable SnapshotRecovery recovery, @Nullable Receiving receiving, SchemaGate gate,
			Supplier<Map<String, DeadLetteredChanges.Lacking>> lacking, ScheduledExecutorService scheduler,
			Workers workers) {
		SnapshotConfig snapshot = this.config.snapshot();
		every(scheduler, workers, "snapshot lease", snapshot.leaseTtl(), activity::refresh);
		if (receiving == null) {
			return new NodeSnapshots(this.config.nodeId(), activity, null, null, this.clock);
		}
		NodeConsistency consistency = new NodeConsistency(receiving.supervisor(), gate, activity, lacking);
		SnapshotTaker taker = new SnapshotTaker(this.config.dbPath(), this.config.nodeId(), replicatedTables(),
				consistency, snapshot.workDirectory(this.config.dbPath()), this.clock);
		SnapshotSaver saver = new SnapshotSaver(taker, activity.store(), snapshot.keep(), (metadata, took) -> {
			activity.taken(metadata, took);
			this.counters.snapshotTaken();
		});
		SnapshotScheduler snapshots = this.resources.add(new SnapshotScheduler(this.config.nodeId(), saver,
				lease, snapshot.interval(), snapshot.afterChanges(),
				snapshot.leaseHeartbeat(), this.counters::appliedTotal, this.clock, consistency, gate::currentHash));
		snapshots.start();
		logger.info("Node {}: snapshots in {}, every {} and/or {} change(s) by the lease holder, keeping {}, restore {}",
				this.config.nodeId(), activity.store(), snapshot.interval().isZero() ? "-" : snapshot.interval(),
				(snapshot.afterChanges() > 0) ? snapshot.afterChanges() : "-", snapshot.keep(),
				snapshot.restore().name().toLowerCase(Locale.ROOT));
		return new NodeSnapshots(this.config.nodeId(), activity, snapshots, recovery, this.clock);
	}

	private ReplicatedTables replicatedTables() {
		return new ReplicatedTables(this.config.tables(), this.config.ignoreTables());
	}


	private @Nullable ChangePublisher startPublisher(NatsNode nats, SchemaGate gate, SchemaMonitor schema,
			ClusterWireFormat wireFormat, Workers workers, Signal databaseChanged) {
		if (!this.config.publish()) {
			step(8, "publish=false: local changes are captured but not sent");
			recordStartOfUnpublishedRun();
			return null;
		}
		ReplicationConfig replication = this.config.replication();
		// Marking changes published syncs the WAL (FULL), on a thread and connection of its own so that no round waits
		// for it: after a power loss the node never re-sends a change that JetStream acknowledged and it recorded as
		// such (docs/operations.md, "Durability"). Recording local changes needs no sync of its own: it commits before
		// a change is marked published, so the marks' sync covers it. The recorder and the publisher's reads share a
		// connection: they run on the publisher's thread.
		Connection publishing = open();
		LocalChangeRecorder recorder = this.resources
			.add(new LocalChangeRecorder(publishing, this.conflicts, this.clock, this.counters.conflicts()));
		ChangeLogReader marked = new ChangeLogReader(open(Synchronous.FULL), this.config.nodeId());
		// This run's epoch and where its change log stands, at once: a copy put back before anything was published
		// (or one from before an earlier epoch) is found at the next start all the same.
		PublishedThrough publishedThrough = PublishedThrough.start(this.config.dbPath(), marked);
		PublishedMarks marks = new PublishedMarks(marked, this.config.nodeId(), PublishedMarks.DEFAULT_INTERVAL,
				publishedThrough::record);
		ChangePublisher publisher = new ChangePublisher(new ChangeLogReader(publishing, this.config.nodeId()),
				nats.changeSink(), new ShardRouter(replication.shards()), new ChangeEventCodec(replication.compress()),
				publishingRecorder(recorder), marks, wireFormat, gate::currentHash, schema.publisherLock(), this.config.nodeId(),
				replication.applyBatchSize(), replication.publishWindow(), this.config.pollingInterval());
		// Closed after the publisher stopped (resources close in reverse order), before its connection.
		ChangeLogReader unsent = new ChangeLogReader(publishing, this.config.nodeId());
		this.resources.add(() -> logUnsentAtStop(unsent));
		this.resources.add(workers.start(new LoopWorker("publisher", publisher, publisher::stop, () -> {
		})));
		CaptureWake wake = new CaptureWake(new ChangeLogReader(open(), this.config.nodeId()), publisher::signal,
				databaseChanged);
		this.resources.add(workers.start(new NotifierWorker(this.config.dbPath(), this.config.pollingInterval(), wake)));
		step(8, "publisher started");
		return publisher;
	}

	/** Why the file went back under the node: as the applier (stream positions) or a recorder (change ids) found. */
	private Supplier<@Nullable String> wentBack(Supplier<@Nullable String> applier) {
		ConflictStats stats = this.counters.conflicts();
		return () -> {
			String positions = applier.get();
			return (positions != null) ? positions : stats.changeLogWentBack();
		};
	}

	/**
	 * Marks the database for a new capture epoch when an older copy was put in its place while the node was stopped
	 * (see {@link PublishedThrough}); capture's installation then renews the epoch.
	 */
	private void markIfWentBackWhileStopped(Connection connection) {
		try {
			String why = PublishedThrough.wentBack(this.config.dbPath(), connection);
			if (why != null) {
				logger.warn("Node {}: the database went back while the node was stopped: {}. Its changes get a new "
						+ "capture epoch, so that those of its own changes the copy lacks are applied again from the "
						+ "streams, and its new changes are not taken for ones JetStream has", this.config.nodeId(), why);
				WentBackMarker.mark(connection, this.clock.millis());
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.warn("Node {}: could not check whether the database went back while the node was stopped ({})",
					this.config.nodeId(), ex.getMessage());
		}
	}

	/** Tells, when the node stops, how many local changes JetStream has not acknowledged: they are sent at the next start. */
	private void logUnsentAtStop(ChangeLogReader reader) {
		try {
			long unsent = reader.pendingCount();
			if (unsent > 0) {
				logger.warn("Node {}: {} local change(s) not acknowledged by JetStream stay in the change log; they are "
						+ "sent when the node starts again", this.config.nodeId(), unsent);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Node {}: could not count the unsent changes at stop", this.config.nodeId(), ex);
		}
	}

	/** The recorder as the publisher uses it: changes may be sent before they are recorded, never marked before. */
	private static ChangeRecorder publishingRecorder(LocalChangeRecorder recorder) {
		return new ChangeRecorder() {

			@Override
			public RecordedChanges recordPending(long after, int limit) {
				return recorder.recordPending(after, limit);
			}

			@Override
			public RecordedChanges pendingToPublish(long after, int limit) {
				return recorder.pendingToPublish(after, limit);
			}

			@Override
			public long recordSent(long after, List<CapturedChange> sent) {
				return recorder.recordSent(after, sent);
			}

		};
	}

	private ScheduledExecutorService startScheduler(String name) {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "harmonylite-" + name);
			thread.setDaemon(true);
			return thread;
		});
		this.resources.add(() -> {
			scheduler.shutdownNow();
			scheduler.awaitTermination(10, TimeUnit.SECONDS);
		});
		return scheduler;
	}

	private void scheduleMaintenance(ScheduledExecutorService scheduler, Workers workers, SchemaMonitor schema,
			ClusterWireFormat wireFormat, SchemaRegistry registry) {
		// One connection for the tasks of the single maintenance thread.
		Connection connection = open();
		ChangeLogReader cleaner = new ChangeLogReader(connection, this.config.nodeId());
		every(scheduler, workers, "change-log cleanup", this.config.cleanupInterval(), () -> {
			int deleted = cleaner.deletePublished();
			if (deleted > 0) {
				logger.debug("Node {}: deleted {} published change-log rows", this.config.nodeId(), deleted);
			}
		});
		VersionCleanup versions = this.resources
			.add(new VersionCleanup(connection, this.conflicts, this.clock, this.counters.conflicts()));
		Duration retention = this.config.replication().tombstoneRetention();
		every(scheduler, workers, "version cleanup", this.config.cleanupInterval(), () -> versions.run(retention));
		every(scheduler, workers, "wire-format check", WIRE_FORMAT_CHECK, () -> wireFormat.refresh(registry));
		every(scheduler, workers, "schema check", this.config.schema().checkInterval(), () -> {
			if (!this.migrating.getAsBoolean()) {
				schema.check(this.config.schema().recomputeInterval());
			}
		});
		every(scheduler, workers, "schema heartbeat", HEARTBEAT, schema::publish);
	}

	private static void every(ScheduledExecutorService scheduler, Workers workers, String what, Duration interval,
			Runnable task) {
		scheduler.scheduleWithFixedDelay(workers.periodic("maintenance", what, interval, task), interval.toMillis(),
				interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private Connection open() {
		return open(Synchronous.NORMAL);
	}

	/**
	 * Keeps the epoch of a run that publishes nothing on record beside the database all the same, so that the next
	 * start does not take a renewed epoch for a copy put in place.
	 */
	private void recordStartOfUnpublishedRun() {
		try (Connection connection = SqliteConnections.open(this.config.dbPath(), Synchronous.NORMAL)) {
			PublishedThrough.start(this.config.dbPath(), new ChangeLogReader(connection, this.config.nodeId()));
		}
		catch (SQLException | RuntimeException ex) {
			logger.warn("Node {}: could not record this run's capture epoch in {}: {}", this.config.nodeId(),
					PublishedThrough.fileOf(this.config.dbPath()), ex.getMessage());
		}
	}

	private Connection open(Synchronous synchronous) {
		return this.resources.add(SqliteConnections.open(this.config.dbPath(), synchronous));
	}

	private CaptureState captureState(Connection connection) {
		ChangeLogReader reader = new ChangeLogReader(connection, this.config.nodeId());
		ChangeCapture triggers = new ChangeCapture(connection, this.config.tables(), this.config.ignoreTables());
		return new CaptureState() {

			@Override
			public long pendingChanges() {
				return reader.pendingCount();
			}

			@Override
			public long failedChanges() {
				return reader.failedCount();
			}

			@Override
			public @Nullable PendingChange oldestPending() {
				return reader.oldestPending();
			}

			@Override
			public Map<String, Long> failedByTable() {
				return reader.failedByTable();
			}

			@Override
			public int triggerCount() {
				return triggers.triggerCount();
			}

		};
	}

	private static ConnectionState connectionState(NatsNode nats) {
		return new ConnectionState() {

			@Override
			public boolean connected() {
				return nats.isConnected();
			}

			@Override
			public @Nullable String connectedUrl() {
				return nats.connectedUrl();
			}

			@Override
			public Server server() {
				DurabilityStatus durability = nats.durability();
				EmbeddedServerState embedded = nats.embeddedServerState();
				return new Server((embedded != null) ? embedded.name() : null, durability.serverVersion(),
						durability.sync(), durability.replicas(), durability.durableAcks(), durability.warning());
			}

		};
	}

	/**
	 * The NATS side of a stopped node, connected on first use.
	 */
	private static final class OfflineCluster implements OfflineSnapshots.Cluster {

		private final HarmonyLiteConfig config;

		private @Nullable NatsNode nats;

		OfflineCluster(HarmonyLiteConfig config) {
			this.config = config;
		}

		@Override
		public SnapshotStore natsStore(String bucket) {
			return nats().snapshotStore(bucket);
		}

		@Override
		public List<ShardSource> sources() {
			NatsNode connected = nats();
			return IntStream.range(0, this.config.replication().shards()).mapToObj(connected::shardSource).toList();
		}

		private synchronized NatsNode nats() {
			if (this.nats == null) {
				NatsNode opened = NatsNode.open(this.config.nats(), this.config.replication(), this.config.nodeId(),
						this.config.dbPath());
				try {
					// As a node start would: a cluster where no node ran yet has no streams.
					opened.ensureStreams();
				}
				catch (RuntimeException ex) {
					opened.close();
					throw ex;
				}
				this.nats = opened;
			}
			return this.nats;
		}

		@Override
		public synchronized void close() {
			if (this.nats != null) {
				this.nats.close();
				this.nats = null;
			}
		}

	}

	/**
	 * The receiving side of a replicating node, created before the schema monitor, which redelivers paused shards.
	 */
	private record Receiving(ChangeApplier applier, ApplyQueue queue, AppliedPositions positions,
			ShardSupervisor supervisor) {
	}

	/**
	 * The streams' states read in the background, and the watch over stalled shards ({@code null} when the node does
	 * not replicate).
	 */
	private record StreamWatch(StreamStateCache streams, @Nullable ShardStallWatch stalls) {
	}

	private void step(int number, String message, Object... arguments) {
		Object[] all = new Object[arguments.length + 3];
		all[0] = this.config.nodeId();
		all[1] = number;
		all[2] = STEPS;
		System.arraycopy(arguments, 0, all, 3, arguments.length);
		logger.info("Node {}: [{}/{}] " + message, all);
	}

}
