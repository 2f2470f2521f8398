package io.harmonylite.engine;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.apply.ReplicatedChangeListener;
import io.harmonylite.capture.CaptureRemoval;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotMetadata;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replicating node: captures local changes, publishes them, and applies the cluster's changes.
 * <p>
 * Create with {@link #builder(HarmonyLiteConfig)}, {@link #start()} it, and {@link #close()} it to stop; it can be
 * started again. Each start assembles a new running node in a fixed, logged order (see {@code NodeAssembly}); a
 * failing step stops startup with one clear message and undoes the steps before it. The node's workers are watched: one
 * that dies is reported in the {@link #status()}, to the {@link WorkerFailureCallback}, and restarted.
 *
 * @since 0.1.0
 */
public final class HarmonyLiteEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HarmonyLiteEngine.class);

	private final HarmonyLiteConfig config;

	private final Clock clock;

	private final EngineCounters counters = new EngineCounters();

	private final ApplyListener applyListener;

	private final WorkerFailureCallback workerCallback;

	private final Supplier<@Nullable String> migrationVersion;

	private final MigrationProtocol migration;

	// Whether beforeMigration() removed capture triggers while no node ran, for afterMigration() to put back. Guarded
	// by this.
	private boolean triggersRemovedOffline;

	private final @Nullable ReplicatedChangeDispatcher changeDispatcher;

	private final int wireFormat;

	private final boolean nodePresence;

	private volatile @Nullable RunningNode node;

	/**
	 * Held while the node runs, so that no second node and no offline command works on its database meanwhile; also
	 * from {@link #acquireLock()}, or for a migration while the node is stopped, until the node starts.
	 */
	private @Nullable NodeLock lock;

	// Whether beforeMigration() took the lock of a stopped node, for afterMigration() to release. Guarded by this.
	private boolean lockedForMigration;

	private HarmonyLiteEngine(Builder builder) {
		this.config = builder.config;
		this.clock = builder.clock;
		List<ApplyListener> listeners = new ArrayList<>();
		listeners.add(this.counters);
		listeners.addAll(builder.applyListeners);
		this.changeDispatcher = builder.changeListeners.isEmpty() ? null
				: new ReplicatedChangeDispatcher(this.config.nodeId(), builder.changeListeners,
						builder.changeQueueCapacity, this.counters::eventDropped);
		if (this.changeDispatcher != null) {
			listeners.add(this.changeDispatcher);
		}
		this.applyListener = new CompositeApplyListener(listeners);
		this.workerCallback = builder.workerCallback;
		this.migration = new MigrationProtocol(this.config.nodeId(), this.clock);
		this.migrationVersion = builder.migrationVersion;
		this.wireFormat = builder.wireFormat;
		this.nodePresence = builder.nodePresence;
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
	 * Takes the lock of the node's database now rather than at {@link #start()}, so that a second node on the same
	 * file is refused before anything changes it, e.g. before the application's migrations at its startup. Held until
	 * {@link #close()} (or a failed start); {@link #start()} keeps it. Does nothing when held already.
	 * @throws NodeLockedException when another node runs on the database
	 * @throws HarmonyLiteException when the lock file cannot be opened
	 */
	public synchronized void acquireLock() {
		if (this.lock == null) {
			this.lock = NodeLock.acquire(this.config.dbPath(), this.config.nodeId(),
					"two nodes must never run on one database; stop the other one first");
		}
		this.lockedForMigration = false;
	}

	/**
	 * Starts the node; does nothing when already started.
	 * @throws NodeLockedException when another node runs on the database
	 * @throws HarmonyLiteException if a startup step fails; the steps before it are undone and the lock released
	 */
	public synchronized void start() {
		if (this.node != null) {
			return;
		}
		long started = System.nanoTime();
		acquireLock();
		try {
			this.node = NodeAssembly.start(this.config, this.clock, this.applyListener, this.workerCallback,
					this.counters, this.migration::inProgress, this.migrationVersion, this.changeDispatcher,
					this.wireFormat, this.nodePresence);
			// The engine's own share of an application's startup (docs/performance.md).
			logger.info("Node {}: started in {} ms ({})", this.config.nodeId(),
					(System.nanoTime() - started) / 1_000_000, HarmonyLiteVersion.current());
		}
		catch (RuntimeException ex) {
			releaseLock();
			logger.error("Node {}: startup failed: {}", this.config.nodeId(), ex.getMessage());
			throw ex;
		}
	}

	/**
	 * Wakes the publisher at once, e.g. right after the application committed a write.
	 */
	public void changesCommitted() {
		RunningNode current = this.node;
		if (current != null) {
			// Straight to the publisher: the notifier's thread would add a hop for writes we already know about.
			current.wakePublisher();
		}
	}

	/**
	 * Prepares for a schema migration: sends what is pending, then removes the capture triggers, which SQLite would
	 * otherwise refuse to keep through some DDL (e.g. {@code DROP COLUMN} of a captured column). Writes made during
	 * the migration are not captured, and the schema check does not reinstall the triggers until
	 * {@link #afterMigration()} (or for at most 10 minutes). Works whether or not the engine is started; when it is
	 * not, first takes the database's lock (unless held already), so that a migration never changes a database
	 * another node runs on, and {@link #afterMigration()} releases it again.
	 * @throws NodeLockedException when the engine is stopped and another node runs on the database
	 */
	public synchronized void beforeMigration() {
		if (this.node == null && this.lock == null) {
			acquireLock();
			this.lockedForMigration = true;
		}
		this.migration.before(this.node, this::removeTriggersOffline);
	}

	/**
	 * Finishes a schema migration, successful or not: regenerates capture, recomputes and publishes the schema hash,
	 * and redelivers paused shards at once. When the engine is not started (a migration at the application's startup),
	 * puts back the capture triggers {@link #beforeMigration()} removed at once, so that other processes' writes are
	 * captured also when the migration failed and the engine never starts; the engine does the rest when it starts.
	 */
	public synchronized void afterMigration() {
		this.migration.after(this.node);
		if (this.node == null && this.triggersRemovedOffline) {
			this.triggersRemovedOffline = false;
			try {
				new OfflineCapture(this.config).reinstall();
			}
			catch (SQLException | RuntimeException ex) {
				// The engine's start installs capture, and fails if it cannot.
				logger.warn("Node {}: could not put change capture back into {} after a migration: {}; writes made to "
						+ "it are not captured until the node starts", this.config.nodeId(), this.config.dbPath(),
						ex.getMessage());
			}
		}
		if (this.lockedForMigration) {
			releaseLock();
		}
	}

	private void releaseLock() {
		NodeLock held = this.lock;
		this.lock = null;
		this.lockedForMigration = false;
		if (held != null) {
			held.close();
		}
	}

	private void removeTriggersOffline() {
		try {
			// A database that had no capture yet (a node's first start) gets it when the engine starts, as a new one.
			this.triggersRemovedOffline = new OfflineCapture(this.config).removeTriggers() > 0;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not prepare " + this.config.dbPath() + " for migration: "
					+ ex.getMessage(), ex);
		}
	}

	/**
	 * Pauses applying one shard's changes on this node until {@link #resumeShard(int)}, e.g. while an operator
	 * investigates it; the pause is stored in the database, so it lasts across restarts, and the status shows it
	 * ({@link NodeState#PAUSED_MANUALLY}). The other shards, capture and publishing go on; a batch being applied still
	 * commits.
	 * @param shard the shard, 0 to {@code harmonylite.replication.shards} - 1
	 * @return {@code true} when the shard was not paused manually before
	 * @throws IllegalArgumentException if there is no such shard
	 * @throws HarmonyLiteException if the node is not started or does not replicate
	 */
	public boolean pauseShard(int shard) {
		return runningNode("pause shard " + checkedShard(shard)).pauseShard(shard);
	}

	/**
	 * Resumes a shard paused by {@link #pauseShard(int)}: it goes on from the last change applied here. A shard
	 * paused by a schema mismatch stays paused until its schema matches.
	 * @param shard the shard, 0 to {@code harmonylite.replication.shards} - 1
	 * @return {@code true} when the shard was paused manually
	 * @throws IllegalArgumentException if there is no such shard
	 * @throws HarmonyLiteException if the node is not started or does not replicate
	 */
	public boolean resumeShard(int shard) {
		return runningNode("resume shard " + checkedShard(shard)).resumeShard(shard);
	}

	/**
	 * The message each shard waits on, e.g. a change whose schema hash this node does not accept (yet): its position,
	 * table, operation, key, schema hash and why the shard waits.
	 * @return by shard; empty when no shard waits, and when the node is stopped or does not replicate
	 */
	public Map<Integer, BlockedMessage> blockedMessages() {
		RunningNode current = this.node;
		return (current != null) ? current.blockedMessages() : Map.of();
	}

	/**
	 * Moves the message a shard waits on to the dead-letter stream, as the operator's decision, and lets the shard go
	 * on behind it; the dead letter stays in the dead-letter stream with its payload.
	 * @param shard the shard, 0 to {@code harmonylite.replication.shards} - 1
	 * @return the message skipped, empty when the shard waits on nothing
	 * @throws IllegalArgumentException if there is no such shard
	 * @throws HarmonyLiteException if the node is not started or does not replicate
	 */
	public Optional<BlockedMessage> skipBlockedMessage(int shard) {
		return runningNode("skip the blocking message of shard " + checkedShard(shard)).skipBlocked(shard);
	}

	/**
	 * The next message each shard of this stopped node would apply (the one after the position stored in its
	 * database), judged as the apply loop would: schema hash, then a write that is rolled back. For a node whose
	 * process is stopped (the command line); a started node has {@link #blockedMessages()}.
	 * @param shard the shard, {@code null} for every shard
	 * @return by shard
	 * @throws IllegalArgumentException if there is no such shard
	 * @throws HarmonyLiteException if the engine is started, or NATS or the database cannot be reached
	 */
	public List<ShardHead> shardHeads(@Nullable Integer shard) {
		if (shard != null) {
			checkedShard(shard);
		}
		synchronized (this) {
			requireStopped("read its shards' next messages from the streams", "show-blocked");
			try (OfflineLock held = lockOffline(shardOperation("{\"action\": \"show-blocked\"}"))) {
				return NodeAssembly.offlineShardHeads(this.config, this.clock, shard);
			}
		}
	}

	/**
	 * Moves the next message of a shard of this stopped node to the dead-letter stream, as the operator's decision,
	 * and the shard's stored position past it. For a node whose process is stopped (the command line); a started
	 * node has {@link #skipBlockedMessage(int)}.
	 * @param shard the shard
	 * @param force also when the message would apply now
	 * @return what was skipped, or why it was not (nothing waits, it would apply, it is a chunk of a larger change)
	 * @throws IllegalArgumentException if there is no such shard
	 * @throws HarmonyLiteException if the engine is started, or NATS or the database cannot be reached
	 */
	public ShardHead.Skip skipShardHead(int shard, boolean force) {
		checkedShard(shard);
		synchronized (this) {
			requireStopped("skip a shard's next message outside its apply loop", "skip");
			try (OfflineLock held = lockOffline(shardOperation("{\"action\": \"skip\"}"))) {
				return NodeAssembly.offlineSkip(this.config, this.clock, shard, force);
			}
		}
	}

	private void requireStopped(String action, String operation) {
		if (this.node != null) {
			throw new HarmonyLiteException("Node " + this.config.nodeId() + " is started, so it cannot " + action
					+ "; use POST /actuator/harmonylite/shards/{shard} {\"action\": \"" + operation + "\"}");
		}
	}

	/**
	 * Takes the database's lock for an operation on a stopped node's files, refused while a node runs on them (in
	 * this process or another): it holds its positions in memory and would not see the change.
	 * @param onTheRunningNode how to do the same on the running node, for the refusal's message
	 */
	private OfflineLock lockOffline(String onTheRunningNode) {
		if (this.lock != null) {
			// Taken by acquireLock() or for a migration: this engine holds it and keeps it.
			return () -> {
			};
		}
		NodeLock held = NodeLock.acquire(this.config.dbPath(), this.config.nodeId(),
				"stop it first, or " + onTheRunningNode);
		return held::close;
	}

	/** The lock of an operation on a stopped node's files, released when the operation ends. */
	private interface OfflineLock extends AutoCloseable {

		@Override
		void close();

	}

	private static String shardOperation(String operation) {
		return "use POST /actuator/harmonylite/shards/{shard} with " + operation + " on it";
	}

	private int checkedShard(int shard) {
		int shards = this.config.replication().shards();
		if (shard < 0 || shard >= shards) {
			throw new IllegalArgumentException("Node " + this.config.nodeId() + " has no shard " + shard
					+ ": harmonylite.replication.shards is " + shards + ", so shards are numbered 0 to " + (shards - 1));
		}
		return shard;
	}

	private RunningNode runningNode(String action) {
		RunningNode current = this.node;
		if (current == null) {
			throw new HarmonyLiteException("Node " + this.config.nodeId() + " is not started, so it cannot " + action
					+ "; start it first");
		}
		return current;
	}

	/**
	 * Removes change capture from the node's database for good, as the standalone node's {@code --cleanup} does:
	 * stops the node if it runs (after sending what is pending, for up to 30 seconds), then drops every HarmonyLite
	 * trigger and table. User tables and data stay as they are; changes still unsent are lost and counted in the
	 * result. The engine stays stopped; starting it again installs capture anew.
	 * @return what was removed
	 * @throws HarmonyLiteException if the database cannot be changed
	 */
	public synchronized CaptureRemoval uninstallCapture() {
		RunningNode current = this.node;
		if (current != null) {
			this.migration.flush(current);
			close();
		}
		CaptureRemoval removal = CaptureRemoval.uninstall(this.config.dbPath());
		logger.warn("Node {}: change capture uninstalled. {}", this.config.nodeId(), removal.describe());
		return removal;
	}

	/**
	 * Whether the node is started.
	 * @return {@code true} between {@link #start()} and {@link #close()}
	 */
	public boolean isRunning() {
		return this.node != null;
	}

	/**
	 * The node's current state, including its counters since the engine was created.
	 * @return the status
	 */
	public EngineStatus status() {
		RunningNode current = this.node;
		return (current != null) ? current.status() : StatusReport.stopped(this.config, this.counters);
	}

	/**
	 * The cluster's schema situation, read from the schema registry over this node's NATS connection: at once while
	 * the connection is down, within 5 s while JetStream does not answer.
	 * @return the view of the live nodes' schema states
	 * @throws HarmonyLiteException if the node is not started or the registry cannot be read
	 */
	public ClusterSchemaView clusterSchema() {
		RunningNode current = this.node;
		if (current == null) {
			throw new HarmonyLiteException("Node " + this.config.nodeId()
					+ " is not started, so it has no NATS connection to read the schema registry; start it, or ask a "
					+ "running node (its /actuator/harmonylite/schema, or the standalone node's --schema-status-cluster "
					+ "command)");
		}
		return current.clusterSchema();
	}

	/**
	 * The snapshot operations (list, take, restore) of this node: through the running node when started (a restore
	 * then holds its shards meanwhile), otherwise on the database file with the store and the streams reached for the
	 * call only (for a node whose process is stopped, e.g. from the command line).
	 * @return the operations
	 * @throws HarmonyLiteException from each operation when snapshots are disabled
	 */
	public SnapshotOperations snapshots() {
		return new SnapshotOperations() {

			@Override
			public List<SnapshotMetadata> list() {
				return withSnapshots(SnapshotOperations::list);
			}

			@Override
			public SnapshotMetadata take() {
				return withSnapshots(SnapshotOperations::take);
			}

			@Override
			public RestoreOutcome restore(@Nullable String id) {
				return withSnapshots((operations) -> operations.restore(id));
			}

		};
	}

	private <T> T withSnapshots(Function<SnapshotOperations, T> operation) {
		if (!this.config.snapshot().enabled()) {
			throw new HarmonyLiteException("Snapshots are disabled on node " + this.config.nodeId()
					+ " (harmonylite.snapshot.enabled=false); enable them to list, take or restore snapshots");
		}
		RunningNode current = this.node;
		if (current != null) {
			SnapshotOperations running = current.snapshots();
			if (running != null) {
				return operation.apply(running);
			}
		}
		synchronized (this) {
			// Not started: the operation runs on the file; start() waits for it.
			if (this.node != null) {
				return withSnapshots(operation);
			}
			try (OfflineLock held = lockOffline("use its /actuator/harmonylitesnapshots endpoint");
					OfflineSnapshots offline = NodeAssembly.offlineSnapshots(this.config, this.clock)) {
				return operation.apply(offline);
			}
		}
	}

	/**
	 * The dead-letter operations (list, re-apply) of this node: through the running node's applier when started (each
	 * letter between two apply batches), otherwise on the database file with NATS reached for the call only (for a
	 * node whose process is stopped, e.g. from the command line).
	 * @return the operations
	 * @throws HarmonyLiteException from each operation when the node is started with {@code harmonylite.replicate=false}
	 */
	public DeadLetterOperations deadLetters() {
		return new DeadLetterOperations() {

			@Override
			public List<DeadLetterEntry> list(DeadLetterFilter filter) {
				return withDeadLetters((operations) -> operations.list(filter));
			}

			@Override
			public ReapplyReport reapply(DeadLetterFilter filter) {
				return withDeadLetters((operations) -> operations.reapply(filter));
			}

		};
	}

	private <T> T withDeadLetters(Function<DeadLetterOperations, T> operation) {
		RunningNode current = this.node;
		if (current != null) {
			DeadLetterOperations running = current.deadLetters();
			if (running == null) {
				throw new HarmonyLiteException("Node " + this.config.nodeId() + " does not apply the cluster's changes "
						+ "(harmonylite.replicate=false), so it has no dead letters to re-apply");
			}
			return operation.apply(running);
		}
		synchronized (this) {
			// Not started: the operation runs on the file; start() waits for it.
			if (this.node != null) {
				return withDeadLetters(operation);
			}
			try (OfflineLock held = lockOffline("use its /actuator/harmonylite/dead-letters endpoint")) {
				return operation.apply(NodeAssembly.offlineDeadLetters(this.config, this.clock));
			}
		}
	}

	/**
	 * Stops the node: stops taking new changes, lets in-flight publishes be acknowledged and the apply batch commit,
	 * then closes NATS and the database, and releases the database's lock. When not started, only releases the lock if
	 * {@link #acquireLock()} took it.
	 */
	@Override
	public synchronized void close() {
		RunningNode current = this.node;
		if (current == null) {
			// A lock taken before the start (acquireLock(), a migration) is released all the same.
			releaseLock();
			return;
		}
		this.node = null;
		try {
			current.close();
		}
		finally {
			releaseLock();
		}
		this.counters.detach();
		logger.info("Node {}: stopped", this.config.nodeId());
	}

	/**
	 * Builds a {@link HarmonyLiteEngine}.
	 */
	public static final class Builder {

		private final HarmonyLiteConfig config;

		private Clock clock = Clock.systemUTC();

		private final List<ApplyListener> applyListeners = new ArrayList<>();

		private WorkerFailureCallback workerCallback = WorkerFailureCallback.NONE;

		private Supplier<@Nullable String> migrationVersion = () -> null;

		private final List<ReplicatedChangeListener> changeListeners = new ArrayList<>();

		private int changeQueueCapacity = ReplicatedChangeDispatcher.DEFAULT_CAPACITY;

		private int wireFormat = ChangeEventCodec.FORMAT_CHUNKED;

		private boolean nodePresence = true;

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
		 * Adds a listener told about every change from another node once it is committed here, on a thread of its own
		 * (see {@link ReplicatedChangeListener}); listeners are called in the order added.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder replicatedChangeListener(ReplicatedChangeListener listener) {
			this.changeListeners.add(Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Sets how many changes may wait for the {@link ReplicatedChangeListener}s; when more arrive, the oldest are
		 * dropped and counted. Default 10000.
		 * @param capacity the queue capacity, at least 1
		 * @return this builder
		 * @throws ConfigException if the capacity is not positive
		 */
		public Builder replicatedChangeQueueCapacity(int capacity) {
			if (capacity < 1) {
				throw new ConfigException("harmonylite.events.queue-capacity",
						"must be at least 1, was " + capacity + "; it bounds the changes waiting for the listeners");
			}
			this.changeQueueCapacity = capacity;
			return this;
		}

		/**
		 * Sets the callback told when a worker of the running node dies (it is restarted either way).
		 * @param workerCallback the callback
		 * @return this builder
		 */
		public Builder workerFailureCallback(WorkerFailureCallback workerCallback) {
			this.workerCallback = Objects.requireNonNull(workerCallback, "workerCallback");
			return this;
		}

		/**
		 * Sets where the node reads the application's schema migration version, such as {@code flyway:3}, which it
		 * publishes to the schema registry next to its hash; informative only, the hash decides.
		 * @param source read at every publication; may return {@code null}
		 * @return this builder
		 */
		public Builder migrationVersion(Supplier<@Nullable String> source) {
			this.migrationVersion = Objects.requireNonNull(source, "source");
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
		 * Leaves out the node's presence (it neither checks nor holds its id in the cluster), as a node of a release
		 * without it, for tests of what the applier detects by itself.
		 * @return this builder
		 */
		Builder withoutNodePresence() {
			this.nodePresence = false;
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
