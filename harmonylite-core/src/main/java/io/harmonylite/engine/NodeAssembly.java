package io.harmonylite.engine;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.harmonylite.apply.AppliedPositions;
import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.ApplyQueue;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.nats.DurabilityStatus;
import io.harmonylite.nats.NatsNode;
import io.harmonylite.nats.embedded.EmbeddedServerState;
import io.harmonylite.replicate.ChangePublisher;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.replicate.ShardRouter;
import io.harmonylite.replicate.Signal;
import io.harmonylite.schema.SchemaChangeDetector;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaRegistry;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.sqlite.SqliteConnections.Synchronous;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link RunningNode} in one pass, in a fixed and logged order: open the database, install capture, compute
 * the schema hash, connect to NATS (or start the embedded server), ensure the streams, publish the schema state, start
 * the consumers, start the publisher. Every part is created with all it needs, and registered to be closed in reverse
 * order; a failing step closes what the steps before it started. The only part of the engine that knows NATS.
 */
final class NodeAssembly {

	private static final Logger logger = LoggerFactory.getLogger(NodeAssembly.class);

	private static final int STEPS = 8;

	private static final Duration HEARTBEAT = Duration.ofSeconds(60);

	private final HarmonyLiteConfig config;

	private final Clock clock;

	private final ApplyListener applyListener;

	private final WorkerFailureCallback workerCallback;

	private final EngineCounters counters;

	private final BooleanSupplier migrating;

	private final Supplier<@Nullable String> migrationVersion;

	private final Resources resources;

	private NodeAssembly(HarmonyLiteConfig config, Clock clock, ApplyListener applyListener,
			WorkerFailureCallback workerCallback, EngineCounters counters, BooleanSupplier migrating,
			Supplier<@Nullable String> migrationVersion) {
		this.config = config;
		this.clock = clock;
		this.applyListener = applyListener;
		this.workerCallback = workerCallback;
		this.counters = counters;
		this.migrating = migrating;
		this.migrationVersion = migrationVersion;
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
	 * @return the running node
	 * @throws io.harmonylite.HarmonyLiteException if a step fails; the steps before it are undone
	 */
	static RunningNode start(HarmonyLiteConfig config, Clock clock, ApplyListener applyListener,
			WorkerFailureCallback workerCallback, EngineCounters counters, BooleanSupplier migrating,
			Supplier<@Nullable String> migrationVersion) {
		NodeAssembly assembly = new NodeAssembly(config, clock, applyListener, workerCallback, counters, migrating,
				migrationVersion);
		try {
			return assembly.assemble();
		}
		catch (RuntimeException ex) {
			assembly.resources.close();
			throw ex;
		}
	}

	private RunningNode assemble() {
		long node = this.config.nodeId();
		step(1, "opening database {}", this.config.dbPath());
		Connection captureConnection = open();
		step(2, "installing change capture");
		ChangeCapture capture = new ChangeCapture(captureConnection, this.config.tables(), this.config.ignoreTables());
		SchemaVersionStore versions = new SchemaVersionStore(captureConnection);
		SchemaChangeDetector detector = new SchemaChangeDetector(open());
		step(3, "computing the schema hash");
		SchemaMonitor.Baseline baseline = SchemaMonitor.baseline(node, capture, versions, detector, this.clock);
		SchemaGate gate = baseline.gate();
		logger.info("Node {}: capturing changes of {} table(s): {}", node, baseline.tables().size(),
				baseline.tables().stream().map(TableSchema::name).toList());
		CaptureState captureState = captureState(open());
		step(4, "connecting to NATS ({})",
				this.config.nats().isEmbedded() ? "embedded nats-server" : this.config.nats().urls());
		NatsNode nats = this.resources.add(NatsNode.open(this.config.nats(), this.config.replication(), node,
				this.config.dbPath()));
		step(5, "ensuring {} shard stream(s)", this.config.replication().shards());
		nats.ensureStreams();
		ScheduledExecutorService scheduler = startScheduler();
		Workers workers = this.resources.add(new Workers(node, this.clock, scheduler, this.workerCallback,
				Workers.Backoff.DEFAULT));
		List<ShardSource> sources = IntStream.range(0, this.config.replication().shards())
			.mapToObj(nats::shardSource)
			.toList();
		Receiving receiving = this.config.replicate() ? receiving(sources, scheduler) : null;
		step(6, "publishing the schema state to the registry");
		SchemaRegistry registry = nats.schemaRegistry();
		SchemaMonitor schema = new SchemaMonitor(node, capture, versions, detector, this.clock, baseline, registry,
				this.migrationVersion, (receiving != null) ? receiving.supervisor()::redeliverPausedNow : () -> {
				});
		schema.publish();
		startConsumers(receiving, gate, nats, workers);
		Signal databaseChanged = new Signal();
		ChangePublisher publisher = startPublisher(nats, gate, schema, workers, databaseChanged);
		scheduleMaintenance(scheduler, workers, schema);
		this.counters.attach(() -> EngineCounters.RunCounts.of((publisher != null) ? publisher.stats() : null,
				nats.reconnects(), gate.pauseCount(), gate.resumeCount(), workers.restarts()));
		ShardSupervisor supervisor = (receiving != null) ? receiving.supervisor() : null;
		StatusReport status = new StatusReport(this.config, connectionState(nats), captureState, schema, gate,
				sources, supervisor, workers, this.counters);
		return new RunningNode(this.config, capture, schema, captureState, registry, supervisor, publisher,
				databaseChanged, status, this.resources);
	}

	private Receiving receiving(List<ShardSource> sources, ScheduledExecutorService scheduler) {
		ChangeApplier applier = this.resources.add(new ChangeApplier(open(), this.clock));
		ApplyQueue queue = new ApplyQueue(this.config.replication().applyBatchSize());
		AppliedPositions positions = new AppliedPositions(applier.positions());
		ShardSupervisor supervisor = new ShardSupervisor(sources, queue, positions, applier::confirmStreamIdentity,
				scheduler, this.config.schema().nakDelay(), this.config.nodeId());
		return new Receiving(applier, queue, positions, supervisor);
	}

	private void startConsumers(@Nullable Receiving receiving, SchemaGate gate, NatsNode nats, Workers workers) {
		if (receiving == null) {
			step(7, "replicate=false: changes from the cluster are not applied");
			return;
		}
		ReplicationConfig replication = this.config.replication();
		step(7, "starting consumers of {} shard(s)", replication.shards());
		ShardSupervisor supervisor = receiving.supervisor();
		ApplyLoop loop = new ApplyLoop(receiving.applier(), receiving.queue(), receiving.positions(), gate,
				supervisor, nats.deadLetterSink(), this.applyListener, new ChangeEventCodec(replication.compress()),
				this.clock, replication.applyBatchSize());
		// A restarted loop lost the batch it held: its shards restart from the positions applied.
		this.resources.add(workers.start(new LoopWorker("apply", loop, loop::stop, supervisor::resyncAll)));
		this.resources.add(supervisor);
		supervisor.startAll();
	}

	private @Nullable ChangePublisher startPublisher(NatsNode nats, SchemaGate gate, SchemaMonitor schema,
			Workers workers, Signal databaseChanged) {
		if (!this.config.publish()) {
			step(8, "publish=false: local changes are captured but not sent");
			return null;
		}
		ReplicationConfig replication = this.config.replication();
		// Marking changes published syncs the WAL (FULL): after a power loss the node never re-sends a change that
		// JetStream acknowledged and it recorded as such (docs/operations.md, "Durability").
		ChangePublisher publisher = new ChangePublisher(
				new ChangeLogReader(open(Synchronous.FULL), this.config.nodeId()), nats.changeSink(), new ShardRouter(replication.shards()), new ChangeEventCodec(replication.compress()),
				gate::currentHash, schema.publisherLock(), this.config.nodeId(), replication.applyBatchSize(),
				replication.publishWindow(), this.config.pollingInterval());
		this.resources.add(workers.start(new LoopWorker("publisher", publisher, publisher::stop, () -> {
		})));
		this.resources.add(workers.start(new NotifierWorker(this.config.dbPath(), this.config.pollingInterval(), () -> {
			publisher.signal();
			databaseChanged.raise();
		})));
		step(8, "publisher started");
		return publisher;
	}

	private ScheduledExecutorService startScheduler() {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "harmonylite-maintenance");
			thread.setDaemon(true);
			return thread;
		});
		this.resources.add(() -> {
			scheduler.shutdownNow();
			scheduler.awaitTermination(10, TimeUnit.SECONDS);
		});
		return scheduler;
	}

	private void scheduleMaintenance(ScheduledExecutorService scheduler, Workers workers, SchemaMonitor schema) {
		ChangeLogReader cleaner = new ChangeLogReader(open(), this.config.nodeId());
		every(scheduler, workers, this.config.cleanupInterval(), () -> {
			int deleted = cleaner.deletePublished();
			if (deleted > 0) {
				logger.debug("Node {}: deleted {} published change-log rows", this.config.nodeId(), deleted);
			}
		});
		every(scheduler, workers, this.config.schema().checkInterval(), () -> {
			if (!this.migrating.getAsBoolean()) {
				schema.check(this.config.schema().recomputeInterval());
			}
		});
		every(scheduler, workers, HEARTBEAT, schema::publish);
	}

	private static void every(ScheduledExecutorService scheduler, Workers workers, Duration interval, Runnable task) {
		scheduler.scheduleWithFixedDelay(workers.periodic("maintenance", interval, task), interval.toMillis(),
				interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private Connection open() {
		return open(Synchronous.NORMAL);
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
	 * The receiving side of a replicating node, created before the schema monitor, which redelivers paused shards.
	 */
	private record Receiving(ChangeApplier applier, ApplyQueue queue, AppliedPositions positions,
			ShardSupervisor supervisor) {
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
