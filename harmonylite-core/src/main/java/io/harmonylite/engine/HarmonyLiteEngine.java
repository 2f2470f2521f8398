package io.harmonylite.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.capture.ChangeNotifier;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.nats.NatsNode;
import io.harmonylite.nats.ShardSubscriber;
import io.harmonylite.replicate.ChangePublisher;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.replicate.ShardRouter;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replicating node: captures local changes, publishes them, and applies the cluster's changes.
 * <p>
 * Create with {@link #builder(HarmonyLiteConfig)}, {@link #start()} it, and {@link #close()} it to stop. Startup runs
 * in a fixed, logged order: open the database, install capture, connect to NATS (or start the embedded server),
 * ensure the streams, start the consumers, start the publisher. A failing step stops startup with one clear message
 * and undoes the steps before it.
 *
 * @since 0.1.0
 */
public final class HarmonyLiteEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HarmonyLiteEngine.class);

	private final HarmonyLiteConfig config;

	private final Clock clock;

	private final ApplyListener applyListener;

	private final List<AutoCloseable> resources = new ArrayList<>();

	private volatile boolean running;

	private volatile List<String> watchedTables = List.of();

	private @Nullable ChangeLogReader statusReader;

	private @Nullable ChangePublisher publisher;

	private @Nullable ApplyLoop applyLoop;

	private @Nullable ChangeNotifier notifier;

	private @Nullable NatsNode nats;

	private final List<ShardSubscriber> subscribers = new ArrayList<>();

	private HarmonyLiteEngine(Builder builder) {
		this.config = builder.config;
		this.clock = builder.clock;
		this.applyListener = builder.applyListener;
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
		long node = this.config.nodeId();
		try {
			logger.info("Node {}: [1/6] opening database {}", node, this.config.dbPath());
			Connection captureConnection = open();
			logger.info("Node {}: [2/6] installing change capture", node);
			List<TableSchema> tables = new ChangeCapture(captureConnection, this.config.tables(),
					this.config.ignoreTables()).install();
			this.watchedTables = tables.stream().map(TableSchema::name).toList();
			logger.info("Node {}: capturing changes of {} table(s): {}", node, tables.size(), this.watchedTables);
			this.statusReader = new ChangeLogReader(open(), node);
			logger.info("Node {}: [3/6] connecting to NATS ({})", node,
					this.config.nats().isEmbedded() ? "embedded nats-server" : this.config.nats().urls());
			NatsNode natsNode = NatsNode.open(this.config.nats(), this.config.replication(), node, this.config.dbPath());
			this.nats = natsNode;
			this.resources.add(natsNode);
			logger.info("Node {}: [4/6] ensuring {} shard stream(s)", node, this.config.replication().shards());
			natsNode.ensureStreams();
			startConsumers(natsNode);
			startPublisher(natsNode);
			startMaintenance();
			this.running = true;
			logger.info("Node {}: started", node);
		}
		catch (RuntimeException ex) {
			logger.error("Node {}: startup failed: {}", node, ex.getMessage());
			stopAll();
			throw ex;
		}
	}

	private void startConsumers(NatsNode natsNode) {
		long node = this.config.nodeId();
		if (!this.config.replicate()) {
			logger.info("Node {}: [5/6] replicate=false: changes from the cluster are not applied", node);
			return;
		}
		ReplicationConfig replication = this.config.replication();
		ChangeApplier applier = new ChangeApplier(open(), this.clock);
		ApplyLoop loop = new ApplyLoop(applier, new ChangeEventCodec(replication.compress()),
				natsNode.deadLetterSink(), this.applyListener, this.clock, replication.applyBatchSize());
		this.applyLoop = loop;
		Thread thread = startThread("harmonylite-apply", loop);
		this.resources.add(() -> {
			loop.stop();
			thread.join(30_000);
			applier.close();
		});
		logger.info("Node {}: [5/6] starting consumers of {} shard(s)", node, replication.shards());
		for (int shard = 0; shard < replication.shards(); shard++) {
			ShardSubscriber subscriber = natsNode.subscriber(shard, loop);
			subscriber.start(applier.position(replication.streamName(shard)));
			this.subscribers.add(subscriber);
		}
	}

	private void startPublisher(NatsNode natsNode) {
		long node = this.config.nodeId();
		if (!this.config.publish()) {
			logger.info("Node {}: [6/6] publish=false: local changes are captured but not sent", node);
			return;
		}
		ReplicationConfig replication = this.config.replication();
		ChangePublisher changePublisher = new ChangePublisher(new ChangeLogReader(open(), node),
				natsNode.changeSink(), new ShardRouter(replication.shards()),
				new ChangeEventCodec(replication.compress()), () -> "", node, replication.applyBatchSize(),
				replication.publishWindow(), this.config.pollingInterval());
		this.publisher = changePublisher;
		Thread thread = startThread("harmonylite-publisher", changePublisher);
		this.resources.add(() -> {
			changePublisher.stop();
			thread.join(30_000);
		});
		ChangeNotifier changeNotifier = new ChangeNotifier(this.config.dbPath(), this.config.pollingInterval(),
				changePublisher::signal);
		this.notifier = changeNotifier;
		changeNotifier.start();
		this.resources.add(changeNotifier);
		logger.info("Node {}: [6/6] publisher started", node);
	}

	private void startMaintenance() {
		ChangeLogReader cleaner = new ChangeLogReader(open(), this.config.nodeId());
		ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "harmonylite-maintenance");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.config.cleanupInterval().toMillis();
		maintenance.scheduleWithFixedDelay(() -> cleanUp(cleaner), interval, interval, TimeUnit.MILLISECONDS);
		this.resources.add(() -> {
			maintenance.shutdown();
			maintenance.awaitTermination(10, TimeUnit.SECONDS);
		});
	}

	private void cleanUp(ChangeLogReader cleaner) {
		try {
			int deleted = cleaner.deletePublished();
			if (deleted > 0) {
				logger.debug("Node {}: deleted {} published change-log rows", this.config.nodeId(), deleted);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: change-log cleanup failed, will retry: {}", this.config.nodeId(), ex.getMessage());
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
		thread.start();
		return thread;
	}

	/**
	 * Wakes the publisher at once, e.g. right after the application committed a write.
	 */
	public void changesCommitted() {
		ChangeNotifier current = this.notifier;
		if (current != null) {
			current.signal();
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
	public synchronized EngineStatus status() {
		long pending = (this.statusReader != null) ? this.statusReader.pendingCount() : 0;
		return new EngineStatus(this.config.nodeId(), this.running, this.watchedTables, pending);
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
		// Consumers first (nothing new arrives), then every resource in reverse start order: the publisher flushes
		// its in-flight batch and the apply loop commits its batch while NATS and the database are still open.
		this.subscribers.forEach(ShardSubscriber::close);
		this.subscribers.clear();
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			closeQuietly(this.resources.get(i));
		}
		this.resources.clear();
		this.publisher = null;
		this.applyLoop = null;
		this.notifier = null;
		this.nats = null;
		this.statusReader = null;
	}

	private void closeQuietly(AutoCloseable resource) {
		try {
			resource.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (SQLException ex) {
			logger.warn("Node {}: closing a database connection failed: {}", this.config.nodeId(), ex.getMessage());
		}
		catch (Exception ex) {
			logger.warn("Node {}: shutdown step failed: {}", this.config.nodeId(), ex.getMessage());
		}
	}

	/**
	 * Builds a {@link HarmonyLiteEngine}.
	 */
	public static final class Builder {

		private final HarmonyLiteConfig config;

		private Clock clock = Clock.systemUTC();

		private ApplyListener applyListener = ApplyListener.NONE;

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
		 * Sets the listener told about every applied change, e.g. for metrics.
		 * @param applyListener the listener
		 * @return this builder
		 */
		public Builder applyListener(ApplyListener applyListener) {
			this.applyListener = Objects.requireNonNull(applyListener, "applyListener");
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
