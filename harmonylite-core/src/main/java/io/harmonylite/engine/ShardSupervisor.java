package io.harmonylite.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

import io.harmonylite.apply.AppliedPositions;
import io.harmonylite.apply.ApplyQueue;
import io.harmonylite.apply.ShardControl;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.apply.StreamGap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, stops and restarts the source of every shard; it alone starts and stops them. A shard starts from the
 * position applied here unless its stream has a {@link StreamGap}, which is reported instead. A shard paused by a
 * schema mismatch is stopped and restarted after the redelivery delay, or at once when the local schema changes.
 */
final class ShardSupervisor implements ShardControl, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ShardSupervisor.class);

	private final List<ShardSource> sources;

	private final ApplyQueue queue;

	private final AppliedPositions positions;

	private final BiPredicate<String, String> sameStream;

	private final ScheduledExecutorService scheduler;

	private final Duration redeliveryDelay;

	private final long nodeId;

	private final Map<Integer, ScheduledFuture<?>> redeliveries = new ConcurrentHashMap<>();

	private final Map<Integer, StreamGap> gaps = new ConcurrentHashMap<>();

	private volatile boolean closed;

	/**
	 * Creates the supervisor; {@link #startAll()} starts the shards.
	 * @param sources the source of every shard, by shard number
	 * @param queue where the sources deliver
	 * @param positions the positions applied here, where each shard starts
	 * @param sameStream tells whether a stream (name, identity) is the one this node's position belongs to
	 * @param scheduler runs the stops and restarts, never on the apply thread
	 * @param redeliveryDelay how long a paused shard waits before it is redelivered
	 * @param nodeId this node's id, for the logs
	 */
	ShardSupervisor(List<ShardSource> sources, ApplyQueue queue, AppliedPositions positions,
			BiPredicate<String, String> sameStream, ScheduledExecutorService scheduler, Duration redeliveryDelay,
			long nodeId) {
		this.sources = List.copyOf(sources);
		this.queue = queue;
		this.positions = positions;
		this.sameStream = sameStream;
		this.scheduler = scheduler;
		this.redeliveryDelay = redeliveryDelay;
		this.nodeId = nodeId;
	}

	/**
	 * Starts every shard from its applied position.
	 * @throws io.harmonylite.HarmonyLiteException if a stream cannot be read
	 */
	synchronized void startAll() {
		this.sources.forEach(this::start);
	}

	/**
	 * The last sequence of a stream applied (or dead-lettered) here.
	 * @param stream the stream
	 * @return the sequence, 0 when none
	 */
	long applied(String stream) {
		return this.positions.of(stream);
	}

	/**
	 * The gap found when the shard last started.
	 * @param shard the shard
	 * @return the gap, or {@code null} when the shard runs (or was never started)
	 */
	@Nullable StreamGap gap(int shard) {
		return this.gaps.get(shard);
	}

	@Override
	public void redeliverLater(int shard) {
		if (this.closed || this.redeliveries.containsKey(shard)) {
			return;
		}
		// Stop on the scheduler, never on the apply thread: the source may be waiting on the apply queue.
		this.scheduler.execute(() -> stop(shard));
		this.redeliveries.computeIfAbsent(shard, (s) -> this.scheduler.schedule(() -> restart(shard),
				this.redeliveryDelay.toMillis(), TimeUnit.MILLISECONDS));
	}

	@Override
	public void resync(int shard) {
		if (this.closed || this.redeliveries.containsKey(shard)) {
			return;
		}
		logger.warn("Node {}: stream {} skipped past the next expected message; restarting its consumer", this.nodeId,
				this.sources.get(shard).stream());
		this.redeliveries.computeIfAbsent(shard,
				(s) -> this.scheduler.schedule(() -> restart(shard), 0, TimeUnit.MILLISECONDS));
	}

	/**
	 * Restarts every shard from its applied position, e.g. after the apply loop restarted and lost what it held.
	 */
	void resyncAll() {
		for (ShardSource source : this.sources) {
			if (!this.closed && !this.redeliveries.containsKey(source.shard())) {
				this.redeliveries.computeIfAbsent(source.shard(),
						(s) -> this.scheduler.schedule(() -> restart(s), 0, TimeUnit.MILLISECONDS));
			}
		}
	}

	/**
	 * Restarts every paused shard now, e.g. after the local schema changed.
	 */
	void redeliverPausedNow() {
		for (Integer shard : List.copyOf(this.redeliveries.keySet())) {
			ScheduledFuture<?> pending = this.redeliveries.get(shard);
			if (pending != null && pending.cancel(false)) {
				this.scheduler.execute(() -> restart(shard));
			}
		}
	}

	private void start(ShardSource source) {
		long applied = this.positions.of(source.stream());
		StreamGap found = StreamGap.find(source.stream(), applied, source.state(),
				(identity) -> this.sameStream.test(source.stream(), identity), source::holds);
		if (found != null) {
			this.gaps.put(source.shard(), found);
			logger.error("Node {}: {}", this.nodeId, found.describe());
			return;
		}
		this.gaps.remove(source.shard());
		source.start(applied, this.queue);
	}

	private synchronized void stop(int shard) {
		this.sources.get(shard).stop();
		this.queue.discard(shard);
	}

	private synchronized void restart(int shard) {
		this.redeliveries.remove(shard);
		if (this.closed) {
			return;
		}
		stop(shard);
		ShardSource source = this.sources.get(shard);
		logger.info("Node {}: redelivering stream {} from sequence {}", this.nodeId, source.stream(),
				this.positions.of(source.stream()) + 1);
		try {
			start(source);
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not restart stream {}, retrying in {} s: {}", this.nodeId, source.stream(),
					this.redeliveryDelay.toSeconds(), ex.getMessage());
			redeliverLater(shard);
		}
	}

	/**
	 * Stops every shard; nothing restarts afterwards.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		this.redeliveries.values().forEach((future) -> future.cancel(false));
		this.redeliveries.clear();
		this.sources.forEach(ShardSource::stop);
	}

}
