package io.harmonylite.engine;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replicating node: captures local changes, publishes them, and applies the cluster's changes.
 * <p>
 * Create with {@link #builder(HarmonyLiteConfig)}, {@link #start()} it, and {@link #close()} it to stop.
 *
 * @since 0.1.0
 */
public final class HarmonyLiteEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HarmonyLiteEngine.class);

	private final HarmonyLiteConfig config;

	private final Clock clock;

	private volatile boolean running;

	private HarmonyLiteEngine(HarmonyLiteConfig config, Clock clock) {
		this.config = config;
		this.clock = clock;
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
	 */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		logger.info("Node {}: starting on {}", this.config.nodeId(), this.config.dbPath());
		this.running = true;
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
		return new EngineStatus(this.config.nodeId(), this.running, List.of(), 0);
	}

	/**
	 * Stops the node, flushing what is in flight; does nothing when not started.
	 */
	@Override
	public synchronized void close() {
		if (!this.running) {
			return;
		}
		this.running = false;
		logger.info("Node {}: stopped", this.config.nodeId());
	}

	/**
	 * Builds a {@link HarmonyLiteEngine}.
	 */
	public static final class Builder {

		private final HarmonyLiteConfig config;

		private Clock clock = Clock.systemUTC();

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
		 * Builds the engine without starting it.
		 * @return the engine
		 */
		public HarmonyLiteEngine build() {
			return new HarmonyLiteEngine(this.config, this.clock);
		}

	}

}
