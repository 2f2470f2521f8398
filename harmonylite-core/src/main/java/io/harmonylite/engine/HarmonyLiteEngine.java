package io.harmonylite.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.apply.ApplyListener;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.sqlite.SqliteConnections;
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

	private volatile @Nullable RunningNode node;

	private HarmonyLiteEngine(Builder builder) {
		this.config = builder.config;
		this.clock = builder.clock;
		List<ApplyListener> listeners = new ArrayList<>();
		listeners.add(this.counters);
		listeners.addAll(builder.applyListeners);
		this.applyListener = new CompositeApplyListener(listeners);
		this.workerCallback = builder.workerCallback;
		this.migration = new MigrationProtocol(this.config.nodeId(), this.clock);
		this.migrationVersion = builder.migrationVersion;
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
		if (this.node != null) {
			return;
		}
		try {
			this.node = NodeAssembly.start(this.config, this.clock, this.applyListener, this.workerCallback,
					this.counters, this.migration::inProgress, this.migrationVersion);
			logger.info("Node {}: started ({})", this.config.nodeId(), HarmonyLiteVersion.current());
		}
		catch (RuntimeException ex) {
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
	 * {@link #afterMigration()} (or for at most 10 minutes). Works whether or not the engine is started.
	 */
	public synchronized void beforeMigration() {
		this.migration.before(this.node, this::removeTriggersOffline);
	}

	/**
	 * Finishes a schema migration: regenerates capture, recomputes and publishes the schema hash, and redelivers paused
	 * shards at once. Does nothing when the engine is not started (it does all that when it starts).
	 */
	public synchronized void afterMigration() {
		this.migration.after(this.node);
	}

	private void removeTriggersOffline() {
		try (Connection connection = SqliteConnections.open(this.config.dbPath())) {
			new ChangeCapture(connection, this.config.tables(), this.config.ignoreTables()).removeTriggers();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not prepare " + this.config.dbPath() + " for migration: "
					+ ex.getMessage(), ex);
		}
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
	 * The cluster's schema situation, read from the schema registry over this node's NATS connection.
	 * @return the view of the live nodes' schema states
	 * @throws HarmonyLiteException if the node is not started or the registry cannot be read
	 */
	public ClusterSchemaView clusterSchema() {
		RunningNode current = this.node;
		if (current == null) {
			throw new HarmonyLiteException("Node " + this.config.nodeId()
					+ " is not started, so it has no NATS connection to read the schema registry; start it, or use "
					+ "the --schema-status-cluster command");
		}
		return current.clusterSchema();
	}

	/**
	 * Stops the node: stops taking new changes, lets in-flight publishes be acknowledged and the apply batch commit,
	 * then closes NATS and the database. Does nothing when not started.
	 */
	@Override
	public synchronized void close() {
		RunningNode current = this.node;
		if (current == null) {
			return;
		}
		this.node = null;
		current.close();
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
		 * Builds the engine without starting it.
		 * @return the engine
		 */
		public HarmonyLiteEngine build() {
			return new HarmonyLiteEngine(this);
		}

	}

}
