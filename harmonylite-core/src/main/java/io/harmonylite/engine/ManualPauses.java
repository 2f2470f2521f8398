package io.harmonylite.engine;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shards an operator paused, and since when. A pause is written to a {@link Store} before it takes effect, so it
 * lasts until it is resumed, also across restarts of the node. Thread-safe.
 */
final class ManualPauses {

	private static final Logger logger = LoggerFactory.getLogger(ManualPauses.class);

	private final long nodeId;

	private final Store store;

	// Guarded by this.
	private final Map<Integer, Instant> paused = new TreeMap<>();

	/**
	 * Loads the stored pauses.
	 * @param nodeId this node's id, for the logs
	 * @param store where the pauses are kept
	 */
	ManualPauses(long nodeId, Store store) {
		this.nodeId = nodeId;
		this.store = store;
		this.paused.putAll(store.load());
		if (!this.paused.isEmpty()) {
			logger.warn("Node {}: shard(s) {} stay paused by an operator until resumed", nodeId,
					this.paused.keySet());
		}
	}

	/**
	 * Pauses a shard.
	 * @param shard the shard
	 * @param since the time of the pause
	 * @return {@code true} when the shard was not paused manually before
	 */
	synchronized boolean pause(int shard, Instant since) {
		if (this.paused.containsKey(shard)) {
			return false;
		}
		this.store.save(shard, since);
		this.paused.put(shard, since);
		logger.warn("Node {}: shard {} paused by an operator; its changes are not applied here until it is resumed",
				this.nodeId, shard);
		return true;
	}

	/**
	 * Resumes a shard.
	 * @param shard the shard
	 * @return {@code true} when the shard was paused manually
	 */
	synchronized boolean resume(int shard) {
		if (!this.paused.containsKey(shard)) {
			return false;
		}
		this.store.delete(shard);
		Instant since = this.paused.remove(shard);
		logger.info("Node {}: shard {} resumed by an operator after a pause since {}", this.nodeId, shard, since);
		return true;
	}

	/**
	 * Whether an operator paused a shard.
	 * @param shard the shard
	 * @return {@code true} until it is resumed
	 */
	synchronized boolean isPaused(int shard) {
		return this.paused.containsKey(shard);
	}

	/**
	 * Since when an operator paused a shard.
	 * @param shard the shard
	 * @return the time, {@code null} when not paused manually
	 */
	synchronized @Nullable Instant since(int shard) {
		return this.paused.get(shard);
	}

	/**
	 * The manually paused shards.
	 * @return shard to time of the pause, a copy ordered by shard
	 */
	synchronized Map<Integer, Instant> all() {
		return Collections.unmodifiableMap(new TreeMap<>(this.paused));
	}

	/**
	 * Where the pauses are kept.
	 */
	interface Store {

		/** Keeps nothing: pauses last as long as the object. */
		Store MEMORY = new Store() {

			@Override
			public Map<Integer, Instant> load() {
				return Map.of();
			}

			@Override
			public void save(int shard, Instant since) {
			}

			@Override
			public void delete(int shard) {
			}

		};

		/**
		 * Reads the stored pauses.
		 * @return shard to time of the pause
		 */
		Map<Integer, Instant> load();

		/**
		 * Stores a pause.
		 * @param shard the shard
		 * @param since the time of the pause
		 */
		void save(int shard, Instant since);

		/**
		 * Removes a pause.
		 * @param shard the shard
		 */
		void delete(int shard);

	}

}
