package io.harmonylite.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.capture.ChangeNotifier;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.conflict.VersionCleanup;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.nats.NatsNode;
import io.harmonylite.replicate.ChangePublisher;
import io.harmonylite.replicate.PublisherStats;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.replicate.ShardRouter;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.ClusterWireFormat;
import io.harmonylite.schema.SchemaChangeDetector;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replicating node: captures local changes, publishes them, and applies the cluster's changes.
 * <p>
 * Create with {@link #builder(HarmonyLiteConfig)}, {@link #start()} it, and {@link #close()} it to stop. Startup runs
 * in a fixed, logged order: open the database, install capture, compute the schema hash, connect to NATS (or start
 * the embedded server), ensure the streams, publish the schema state, start the consumers, start the publisher. A
 * failing step stops startup with one clear message and undoes the steps before it.
 *
 * @since 0.1.0
 */
public final class HarmonyLiteEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HarmonyLiteEngine.class);

	private static final int STEPS = 8;

	private static final Duration HEARTBEAT = Duration.ofSeconds(60);

	/** How often the change event format is decided again from the schema registry. */
	private static final Duration WIRE_FORMAT_CHECK = Duration.ofSeconds(5);

	private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

	/** How long a migration may keep the schema check from reinstalling the triggers it removed. */
	private static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(10);

	private final HarmonyLiteConfig config;

	private final Clock clock;

	private final ApplyListener applyListener;

	private final int wireFormat;

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final Object statusLock = new Object();

	private volatile boolean running;

	// Nanos when beforeMigration() removed the triggers, null outside a migration: the schema check must not put the
	// triggers back in the middle of the migration's DDL.
	private volatile @Nullable Long migrationStartedAt;

	private @Nullable Runtime runtime;

	private HarmonyLiteEngine(Builder builder) {
		this.config = builder.config;
		this.clock = builder.clock;
		this.applyListener = CompositeApplyListener.of(builder.applyListeners);
		this.wireFormat = builder.wireFormat;
	}

	/**
	 * Starts building an engine.
	 * @param config the validated configuration
	 * @return a builder
	 */
	public static Builder builder(HarmonyLiteConfig config) {
		return new Builder(config);
	}

	/**
	 * The configuration this engine runs with.
	 * @return the configuration
	 */
	public HarmonyLiteConfig config() {
		return this.config;
	}

	/**
	 * Starts the node; does nothing when already started.
	 * @throws HarmonyLiteException if a startup step fails; the steps before it are undone
	 */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		try {
			this.runtime = startSteps();
			this.running = true;
			logger.info("Node {}: started ({})", this.config.nodeId(), HarmonyLiteVersion.current());
		}
		catch (RuntimeException ex) {
			logger.error("Node {}: startup failed: {}", this.config.nodeId(), ex.getMessage());
			stopAll();
			throw ex;
		}
	}

	private Runtime startSteps() {
		long node = this.config.nodeId();
		step(1, "opening database {}", this.config.dbPath());
		Connection captureConnection = open();
		step(2, "installing change capture");
		ChangeCapture capture = new ChangeCapture(captureConnection, this.config.tables(), this.config.ignoreTables());
		ClusterWireFormat wireFormat = new ClusterWireFormat(node, this.wireFormat);
		SchemaMonitor schema = new SchemaMonitor(node, capture, new SchemaVersionStore(captureConnection),
				new SchemaChangeDetector(open()), this.clock, wireFormat.ownFormat());
		step(3, "computing the schema hash");
		SchemaGate gate = schema.initialize();
		logger.info("Node {}: capturing changes of {} table(s): {}", node, schema.watchedTables().size(),
				schema.watchedTables());
		Connection statusConnection = open();
		ChangeLogReader statusReader = new ChangeLogReader(statusConnection, node);
		ChangeCapture statusCapture = new ChangeCapture(statusConnection, this.config.tables(),
				this.config.ignoreTables());
		step(4, "connecting to NATS ({})",
				this.config.nats().isEmbedded() ? "embedded nats-server" : this.config.nats().urls());
		NatsNode nats = NatsNode.open(this.config.nats(), this.config.replication(), node, this.config.dbPath());
		this.resources.add(nats);
		step(5, "ensuring {} shard stream(s)", this.config.replication().shards());
		nats.ensureStreams();
		ScheduledExecutorService scheduler = startScheduler();
		step(6, "publishing the schema state to the registry");
		schema.registry(nats.schemaRegistry());
		schema.publish();
		Runtime started = new Runtime(capture, statusCapture, schema, gate, statusReader, nats, scheduler,
				new ConflictStats(), wireFormat);
		refreshWireFormat(started);
		startConsumers(started);
		startPublisher(started);
		scheduleMaintenance(started);
		return started;
	}

	private void step(int number, String message, Object... arguments) {
		Object[] all = new Object[arguments.length + 3];
		all[0] = this.config.nodeId();
		all[1] = number;
		all[2] = STEPS;
		System.arraycopy(arguments, 0, all, 3, arguments.length);
		logger.info("Node {}: [{}/{}] " + message, all);
	}

	private void startConsumers(Runtime started) {
		if (!this.config.replicate()) {
			step(7, "replicate=false: changes from the cluster are not applied");
			return;
		}
		ReplicationConfig replication = this.config.replication();
		step(7, "starting consumers of {} shard(s)", replication.shards());
		ShardSupervisor supervisor = new ShardSupervisor(started.nats, replication, this.config.schema().nakDelay(),
				started.scheduler, this.config.nodeId());
		ChangeApplier applier = new ChangeApplier(open(), this.clock, conflictSettings(), started.conflictStats);
		ApplyLoop loop = new ApplyLoop(applier, new ChangeEventCodec(replication.compress()),
				started.nats.deadLetterSink(), this.applyListener, this.clock, replication.applyBatchSize(),
				started.gate, supervisor);
		Thread thread = startThread("harmonylite-apply", loop);
		this.resources.add(() -> {
			loop.stop();
			thread.join(30_000);
			applier.close();
		});
		this.resources.add(supervisor);
		started.schema.onSchemaChange(supervisor::redeliverPausedNow);
		supervisor.start(loop);
		started.applyLoop = loop;
		started.supervisor = supervisor;
	}

	private void startPublisher(Runtime started) {
		long node = this.config.nodeId();
		if (!this.config.publish()) {
			step(8, "publish=false: local changes are captured but not sent");
			return;
		}
		ReplicationConfig replication = this.config.replication();
		SchemaGate gate = started.gate;
		Connection connection = open();
		LocalChangeRecorder recorder = new LocalChangeRecorder(connection, conflictSettings(), this.clock,
				started.conflictStats);
		ChangePublisher publisher = new ChangePublisher(new ChangeLogReader(connection, node), started.nats.changeSink(),
				new ShardRouter(replication.shards()), new ChangeEventCodec(replication.compress()),
				recorder::recordPending, started.wireFormat, gate::currentHash, started.schema.publisherLock(), node,
				replication.applyBatchSize(), replication.publishWindow(), this.config.pollingInterval());
		Thread thread = startThread("harmonylite-publisher", publisher);
		this.resources.add(() -> {
			publisher.stop();
			thread.join(30_000);
		});
		ChangeNotifier notifier = new ChangeNotifier(this.config.dbPath(), this.config.pollingInterval(),
				publisher::signal);
		notifier.start();
		this.resources.add(notifier);
		started.publisher = publisher;
		step(8, "publisher started");
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

	private void scheduleMaintenance(Runtime started) {
		Connection connection = open();
		ChangeLogReader cleaner = new ChangeLogReader(connection, this.config.nodeId());
		VersionCleanup versions = new VersionCleanup(connection, conflictSettings(), this.clock, started.conflictStats);
		every(started.scheduler, this.config.cleanupInterval(), () -> {
			cleanUp(cleaner);
			versions.run(this.config.replication().tombstoneRetention());
		});
		every(started.scheduler, WIRE_FORMAT_CHECK, () -> refreshWireFormat(started));
		every(started.scheduler, this.config.schema().checkInterval(), () -> {
			if (!migrating()) {
				started.schema.check(this.config.schema().recomputeInterval());
			}
		});
		every(started.scheduler, HEARTBEAT, started.schema::publish);
	}

	private void every(ScheduledExecutorService scheduler, Duration interval, Runnable task) {
		scheduler.scheduleWithFixedDelay(() -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Node {}: maintenance task failed, will retry: {}", this.config.nodeId(), ex.getMessage());
			}
		}, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private ConflictSettings conflictSettings() {
		return new ConflictSettings(this.config.nodeId(), this.config.replication().maxClockSkew());
	}

	private void refreshWireFormat(Runtime started) {
		try {
			started.wireFormat.refresh(started.nats.schemaRegistry().nodes());
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not read the schema registry to decide the change format; keeping format {}: {}",
					this.config.nodeId(), started.wireFormat.getAsInt(), ex.getMessage());
		}
	}

	private void cleanUp(ChangeLogReader cleaner) {
		int deleted = cleaner.deletePublished();
		if (deleted > 0) {
			logger.debug("Node {}: deleted {} published change-log rows", this.config.nodeId(), deleted);
		}
	}

	private Connection open() {
		Connection connection = SqliteConnections.open(this.config.dbPath());
		this.resources.add(connection);
		return connection;
	}

	private static Thread startThread(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		// The loops handle every exception; only an Error (out of memory, say) ends one, and that must not go unseen.
		thread.setUncaughtExceptionHandler((dead, failure) -> logger.error(
				"Thread {} stopped by {}; replication on this node is broken until it restarts", dead.getName(),
				failure, failure));
		thread.start();
		return thread;
	}

	/**
	 * Wakes the publisher at once, e.g. right after the application committed a write.
	 */
	public void changesCommitted() {
		Runtime current = this.runtime;
		ChangePublisher publisher = (current != null) ? current.publisher : null;
		if (publisher != null) {
			// Straight to the publisher: the notifier's thread would add a hop for writes we already know about.
			publisher.signal();
		}
	}

	/**
	 * Prepares for a schema migration: sends what is pending, then removes the capture triggers, which SQLite would
	 * otherwise refuse to keep through some DDL (e.g. {@code DROP COLUMN} of a captured column). Writes made during
	 * the migration are not captured, and the schema check does not reinstall the triggers until
	 * {@link #afterMigration()} (or for at most 10 minutes). Works whether or not the engine is started.
	 */
	public synchronized void beforeMigration() {
		Runtime current = this.runtime;
		if (current == null) {
			try (Connection connection = SqliteConnections.open(this.config.dbPath())) {
				new ChangeCapture(connection, this.config.tables(), this.config.ignoreTables()).removeTriggers();
			}
			catch (SQLException ex) {
				throw new HarmonyLiteException("Could not prepare " + this.config.dbPath() + " for migration: "
						+ ex.getMessage(), ex);
			}
			return;
		}
		flushPending(current);
		this.migrationStartedAt = System.nanoTime();
		current.capture.removeTriggers();
		logger.info("Node {}: capture triggers removed for a schema migration", this.config.nodeId());
	}

	private boolean migrating() {
		Long startedAt = this.migrationStartedAt;
		if (startedAt == null) {
			return false;
		}
		if (System.nanoTime() - startedAt < MIGRATION_TIMEOUT.toNanos()) {
			return true;
		}
		logger.warn("Node {}: a schema migration started {} min ago has not finished (afterMigration() was not "
				+ "called); regenerating capture anyway", this.config.nodeId(), MIGRATION_TIMEOUT.toMinutes());
		this.migrationStartedAt = null;
		return false;
	}

	/**
	 * Finishes a schema migration: regenerates capture, recomputes and publishes the schema hash, and redelivers paused
	 * shards at once. Does nothing when the engine is not started (it does all that when it starts).
	 */
	public synchronized void afterMigration() {
		this.migrationStartedAt = null;
		Runtime current = this.runtime;
		if (current != null) {
			current.schema.check(Duration.ZERO);
			current.schema.publish();
			if (current.supervisor != null) {
				current.supervisor.redeliverPausedNow();
			}
		}
	}

	private void flushPending(Runtime current) {
		long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
		while (this.config.publish() && current.statusReader.pendingCount() > 0 && System.nanoTime() < deadline) {
			changesCommitted();
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Whether the node is started.
	 * @return {@code true} between {@link #start()} and {@link #close()}
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * The node's current state.
	 * @return the status
	 */
	public EngineStatus status() {
		synchronized (this.statusLock) {
			return currentStatus();
		}
	}

	private EngineStatus currentStatus() {
		Runtime current = this.runtime;
		if (!this.running || current == null) {
			return new EngineStatus(this.config.nodeId(), HarmonyLiteVersion.current(), NodeState.STOPPED,
					this.config.publish(), this.config.replicate(), new EngineStatus.Nats(this.config.nats().isEmbedded(),
							this.config.nats().urls(), false, 0),
					List.of(), 0, 0, List.of(), null);
		}
		return new StatusReport(this.config, current).build();
	}

	/**
	 * The cluster's schema situation, read from the schema registry over this node's NATS connection.
	 * @return the view of the live nodes' schema states
	 * @throws HarmonyLiteException if the node is not started or the registry cannot be read
	 */
	public ClusterSchemaView clusterSchema() {
		Runtime current = this.runtime;
		if (!this.running || current == null) {
			throw new HarmonyLiteException("Node " + this.config.nodeId()
					+ " is not started, so it has no NATS connection to read the schema registry; start it, or use "
					+ "the --schema-status-cluster command");
		}
		return new ClusterSchemaView(current.nats.schemaRegistry().nodes());
	}

	/**
	 * The publisher's counters, or {@code null} when not publishing.
	 * @return the counters
	 */
	public @Nullable PublisherStats publisherStats() {
		Runtime current = this.runtime;
		return (current != null && current.publisher != null) ? current.publisher.stats() : null;
	}

	/**
	 * Stops the node: stops taking new changes, lets in-flight publishes be acknowledged and the apply batch commit,
	 * then closes NATS and the database. Does nothing when not started.
	 */
	@Override
	public synchronized void close() {
		if (!this.running) {
			return;
		}
		this.running = false;
		stopAll();
		logger.info("Node {}: stopped", this.config.nodeId());
	}

	private void stopAll() {
		// Reverse start order: the notifier and publisher first (the in-flight batch is acknowledged and marked),
		// then the consumers and the apply loop (its batch commits), then NATS, the connections last.
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			closeQuietly(this.resources.get(i));
		}
		this.resources.clear();
		this.runtime = null;
	}

	private void closeQuietly(AutoCloseable resource) {
		try {
			resource.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Node {}: shutdown step failed: {}", this.config.nodeId(), ex.getMessage());
		}
	}

	/**
	 * The parts of a started node.
	 */
	static final class Runtime {

		final ChangeCapture capture;

		final ChangeCapture statusCapture;

		final SchemaMonitor schema;

		final SchemaGate gate;

		final ChangeLogReader statusReader;

		final NatsNode nats;

		final ScheduledExecutorService scheduler;

		final ConflictStats conflictStats;

		final ClusterWireFormat wireFormat;

		volatile @Nullable ApplyLoop applyLoop;

		volatile @Nullable ShardSupervisor supervisor;

		volatile @Nullable ChangePublisher publisher;

		Runtime(ChangeCapture capture, ChangeCapture statusCapture, SchemaMonitor schema, SchemaGate gate,
				ChangeLogReader statusReader, NatsNode nats, ScheduledExecutorService scheduler,
				ConflictStats conflictStats, ClusterWireFormat wireFormat) {
			this.capture = capture;
			this.statusCapture = statusCapture;
			this.schema = schema;
			this.gate = gate;
			this.statusReader = statusReader;
			this.nats = nats;
			this.scheduler = scheduler;
			this.conflictStats = conflictStats;
			this.wireFormat = wireFormat;
		}

	}

	/**
	 * Calls several {@link ApplyListener}s in turn.
	 */
	private record CompositeApplyListener(List<ApplyListener> listeners) implements ApplyListener {

		static ApplyListener of(List<ApplyListener> listeners) {
			return switch (listeners.size()) {
				case 0 -> ApplyListener.NONE;
				case 1 -> listeners.get(0);
				default -> new CompositeApplyListener(List.copyOf(listeners));
			};
		}

		@Override
		public void applied(ChangeEvent event, Duration lag) {
			this.listeners.forEach((listener) -> listener.applied(event, lag));
		}

		@Override
		public void batchApplied(int size, Duration duration) {
			this.listeners.forEach((listener) -> listener.batchApplied(size, duration));
		}

		@Override
		public void deadLettered(ReceivedMessage message, String reason) {
			this.listeners.forEach((listener) -> listener.deadLettered(message, reason));
		}

	}

	/**
	 * Builds a {@link HarmonyLiteEngine}.
	 */
	public static final class Builder {

		private final HarmonyLiteConfig config;

		private Clock clock = Clock.systemUTC();

		private final List<ApplyListener> applyListeners = new ArrayList<>();

		private int wireFormat = ChangeEventCodec.FORMAT_VERSIONED;

		private Builder(HarmonyLiteConfig config) {
			this.config = Objects.requireNonNull(config, "config");
		}

		/**
		 * Sets the clock used for timestamps and intervals.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Adds a listener told about every applied change, e.g. for metrics; listeners are called in the order added.
		 * @param applyListener the listener
		 * @return this builder
		 */
		public Builder applyListener(ApplyListener applyListener) {
			this.applyListeners.add(Objects.requireNonNull(applyListener, "applyListener"));
			return this;
		}

		/**
		 * Pins the newest change event format this node reads and writes, for tests of the upgrade from a release
		 * that only knows format 1.
		 * @param format the format
		 * @return this builder
		 */
		Builder wireFormat(int format) {
			this.wireFormat = format;
			return this;
		}

		/**
		 * Builds the engine without starting it.
		 * @return the engine
		 */
		public HarmonyLiteEngine build() {
			return new HarmonyLiteEngine(this);
		}

	}

}
