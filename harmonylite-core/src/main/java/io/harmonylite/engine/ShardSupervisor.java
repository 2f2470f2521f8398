package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import io.harmonylite.apply.StreamState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, stops and restarts the source of every shard; it alone starts and stops them. A shard starts from the
 * position applied here unless its stream has a {@link StreamGap}, which is reported instead once it was seen for the
 * gap confirmation time (a stream that has just elected a leader can answer with an older state for a moment: the
 * shard is checked again every few seconds meanwhile), and checked again after each redelivery delay: a gap that
 * goes away (restored, or never real) lets the shard start by itself. A shard paused by a
 * schema mismatch is stopped and restarted after the redelivery delay, or at once when the local schema changes. A
 * shard paused by an operator ({@link ManualPauses}) is stopped and never started until it is resumed.
 */
final class ShardSupervisor implements ShardControl, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ShardSupervisor.class);

	/** How long a gap must be seen before it is reported and a snapshot may be restored for it. */
	static final Duration GAP_CONFIRMATION = Duration.ofSeconds(10);

	/** How often a gap not yet confirmed is checked again. */
	private static final Duration GAP_RECHECK = Duration.ofSeconds(2);

	private final List<ShardSource> sources;

	private final ApplyQueue queue;

	private final AppliedPositions positions;

	private final BiPredicate<String, String> sameStream;

	private final ScheduledExecutorService scheduler;

	private final Duration redeliveryDelay;

	private final long nodeId;

	private final ManualPauses manualPauses;

	private final Clock clock;

	private final Map<Integer, ScheduledFuture<?>> redeliveries = new ConcurrentHashMap<>();

	private final Map<Integer, StreamGap> gaps = new ConcurrentHashMap<>();

	/**
	 * The shards whose consumer is being started, with since when and why the last attempt failed: kept across failed
	 * attempts and the waits between them, until an attempt starts the consumer.
	 */
	private final Map<Integer, Starting> starting = new ConcurrentHashMap<>();

	private final Map<Integer, Instant> startedAt = new ConcurrentHashMap<>();

	/** Each shard's gap not yet confirmed, with since when it has been seen. */
	private final Map<Integer, SuspectedGap> suspectedGaps = new ConcurrentHashMap<>();

	private final Runnable gapFound;

	private final Duration gapConfirmation;

	private volatile boolean closed;

	/** While held (a snapshot is being restored), no shard is started. */
	private volatile boolean held;

	/**
	 * Creates the supervisor; {@link #startAll()} starts the shards.
	 * @param sources the source of every shard, by shard number
	 * @param queue where the sources deliver
	 * @param positions the positions applied here, where each shard starts
	 * @param sameStream tells whether a stream (name, identity) is the one this node's position belongs to
	 * @param scheduler runs the stops and restarts, never on the apply thread
	 * @param redeliveryDelay how long a paused shard waits before it is redelivered
	 * @param nodeId this node's id, for the logs
	 * @param manualPauses the shards an operator paused, which are not started
	 * @param clock tells the time of a manual pause
	 */
	ShardSupervisor(List<ShardSource> sources, ApplyQueue queue, AppliedPositions positions,
			BiPredicate<String, String> sameStream, ScheduledExecutorService scheduler, Duration redeliveryDelay,
			long nodeId, ManualPauses manualPauses, Clock clock) {
		this(sources, queue, positions, sameStream, scheduler, redeliveryDelay, nodeId, manualPauses, clock, () -> {
		}, Duration.ZERO);
	}

	/**
	 * Creates the supervisor; {@link #startAll()} starts the shards.
	 * @param sources the source of every shard, by shard number
	 * @param queue where the sources deliver
	 * @param positions the positions applied here, where each shard starts
	 * @param sameStream tells whether a stream (name, identity) is the one this node's position belongs to
	 * @param scheduler runs the stops and restarts, never on the apply thread
	 * @param redeliveryDelay how long a paused shard waits before it is redelivered
	 * @param nodeId this node's id, for the logs
	 * @param manualPauses the shards an operator paused, which are not started
	 * @param clock tells the time of a manual pause
	 * @param gapFound told each time a shard stops at a newly confirmed gap, e.g. to restore a snapshot
	 * @param gapConfirmation how long a gap must be seen before it is reported ({@link #GAP_CONFIRMATION})
	 */
	ShardSupervisor(List<ShardSource> sources, ApplyQueue queue, AppliedPositions positions,
			BiPredicate<String, String> sameStream, ScheduledExecutorService scheduler, Duration redeliveryDelay,
			long nodeId, ManualPauses manualPauses, Clock clock, Runnable gapFound, Duration gapConfirmation) {
		this.gapFound = gapFound;
		this.gapConfirmation = gapConfirmation;
		this.sources = List.copyOf(sources);
		this.queue = queue;
		this.positions = positions;
		this.sameStream = sameStream;
		this.scheduler = scheduler;
		this.redeliveryDelay = redeliveryDelay;
		this.nodeId = nodeId;
		this.manualPauses = manualPauses;
		this.clock = clock;
	}

	/**
	 * Starts every shard from its applied position.
	 * @throws io.harmonylite.HarmonyLiteException if a stream cannot be read
	 */
	synchronized void startAll() {
		this.held = false;
		this.sources.forEach(this::start);
	}

	/**
	 * Stops every shard and starts none until {@link #startAll()}, e.g. while a snapshot replaces the database: the
	 * pending redeliveries are cancelled and the queued messages dropped.
	 */
	synchronized void holdAll() {
		this.held = true;
		this.starting.clear();
		this.redeliveries.values().forEach((future) -> future.cancel(false));
		this.redeliveries.clear();
		this.suspectedGaps.clear();
		for (ShardSource source : this.sources) {
			source.stop();
			this.queue.discard(source.shard());
		}
	}

	/**
	 * The gaps found when the shards last started.
	 * @return the gaps by shard; empty when every shard runs
	 */
	Map<Integer, StreamGap> gaps() {
		return Map.copyOf(this.gaps);
	}

	/**
	 * The gaps seen but not yet confirmed, each checked again every few seconds: their shards do not run meanwhile.
	 * @return the gaps by shard, with since when they have been seen
	 */
	Map<Integer, SuspectedGap> suspectedGaps() {
		return Map.copyOf(this.suspectedGaps);
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

	/**
	 * Since when an operator paused a shard.
	 * @param shard the shard
	 * @return the time of the pause, {@code null} when the shard is not paused manually
	 */
	@Nullable Instant pausedManuallySince(int shard) {
		return this.manualPauses.since(shard);
	}

	/**
	 * Pauses a shard until {@link #resume(int)}: stores the pause, then stops the shard's source and drops its queued
	 * messages; a batch being applied still commits.
	 * @param shard the shard
	 * @return {@code true} when the shard was not paused manually before
	 */
	synchronized boolean pause(int shard) {
		if (!this.manualPauses.pause(shard, this.clock.instant())) {
			return false;
		}
		this.starting.remove(shard);
		stop(shard);
		return true;
	}

	/**
	 * Resumes a shard an operator paused: removes the pause and starts the shard from its applied position.
	 * @param shard the shard
	 * @return {@code true} when the shard was paused manually; a stream that cannot be read now is retried after the
	 * redelivery delay
	 */
	synchronized boolean resume(int shard) {
		if (!this.manualPauses.resume(shard)) {
			return false;
		}
		if (!this.closed && !this.redeliveries.containsKey(shard)) {
			restart(shard);
		}
		return true;
	}

	@Override
	public void redeliverLater(int shard) {
		redeliverAfter(shard, this.redeliveryDelay);
	}

	@Override
	public void redeliverAfter(int shard, Duration delay) {
		if (this.closed) {
			return;
		}
		long millis = Math.min(delay.toMillis(), this.redeliveryDelay.toMillis());
		ScheduledFuture<?> pending = this.redeliveries.get(shard);
		if (pending != null) {
			// Already waiting: only ever move the redelivery earlier.
			if (pending.getDelay(TimeUnit.MILLISECONDS) <= millis || !pending.cancel(false)) {
				return;
			}
			this.redeliveries.remove(shard, pending);
		}
		// Stop on the scheduler, never on the apply thread: the source may be waiting on the apply queue.
		this.scheduler.execute(() -> stop(shard));
		this.redeliveries.computeIfAbsent(shard,
				(s) -> this.scheduler.schedule(() -> restart(shard), millis, TimeUnit.MILLISECONDS));
	}

	@Override
	public void resync(int shard) {
		if (this.closed || this.redeliveries.containsKey(shard)) {
			return;
		}
		logger.warn("Node {}: stream {} skipped past the next expected message; restarting its consumer", this.nodeId,
				this.sources.get(shard).stream());
		restartNow(shard);
	}

	/**
	 * Restarts a shard from its applied position at once (on the scheduler), e.g. when its consumer stopped
	 * delivering; does nothing when a restart is pending or the supervisor is closed.
	 * @param shard the shard
	 */
	void restartNow(int shard) {
		if (this.closed) {
			return;
		}
		this.redeliveries.computeIfAbsent(shard,
				(s) -> this.scheduler.schedule(() -> restart(shard), 0, TimeUnit.MILLISECONDS));
	}

	/**
	 * Whether a shard's source should be delivering now: started, and neither being started, held, paused by an
	 * operator, stopped at a gap nor waiting for a redelivery.
	 * @param shard the shard
	 * @return {@code true} when its messages are expected to arrive
	 */
	boolean delivering(int shard) {
		return !this.closed && !this.held && !this.redeliveries.containsKey(shard) && !this.starting.containsKey(shard)
				&& !this.manualPauses.isPaused(shard) && !this.gaps.containsKey(shard);
	}

	/**
	 * When a shard's source was last started.
	 * @param shard the shard
	 * @return the time, {@code null} when it was never started
	 */
	@Nullable Instant startedAt(int shard) {
		return this.startedAt.get(shard);
	}

	/**
	 * Since when a shard's consumer is being started (JetStream may not answer its requests yet), counting the attempts
	 * that failed and the waits before they are tried again.
	 * @param shard the shard
	 * @return since when, {@code null} when it is not being started
	 */
	@Nullable Instant startingSince(int shard) {
		Starting started = this.starting.get(shard);
		return (started != null) ? started.since() : null;
	}

	/**
	 * Why the last attempt to start a shard's consumer failed, while the shard is still being started.
	 * @param shard the shard
	 * @return the failure, {@code null} when no attempt failed since the shard last ran
	 */
	@Nullable String startFailure(int shard) {
		Starting started = this.starting.get(shard);
		return (started != null) ? started.lastFailure() : null;
	}

	/**
	 * Restarts every shard from its applied position, e.g. after the apply loop restarted and lost what it held.
	 */
	void resyncAll() {
		this.sources.forEach((source) -> restartNow(source.shard()));
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
		int shard = source.shard();
		this.starting.putIfAbsent(shard, new Starting(this.clock.instant(), null));
		try {
			startOrFindGap(source);
		}
		catch (RuntimeException ex) {
			this.starting.computeIfPresent(shard,
					(s, started) -> new Starting(started.since(), String.valueOf(ex.getMessage())));
			throw ex;
		}
		// Started, or stopped for a reason with a problem of its own (paused by an operator, a gap).
		this.starting.remove(shard);
	}

	private void startOrFindGap(ShardSource source) {
		int shard = source.shard();
		if (this.manualPauses.isPaused(shard)) {
			logger.info("Node {}: stream {} stays paused by an operator", this.nodeId, source.stream());
			return;
		}
		long applied = this.positions.of(source.stream());
		StreamState state = source.state();
		StreamGap found = StreamGap.find(source.stream(), applied, state,
				(identity) -> this.sameStream.test(source.stream(), identity), source::holds);
		if (found == null) {
			this.suspectedGaps.remove(shard);
			if (this.gaps.remove(shard) != null) {
				logger.info("Node {}: stream {} holds the messages this node needs again; the shard goes on",
						this.nodeId, source.stream());
			}
			source.start(applied, this.queue);
			this.startedAt.put(shard, this.clock.instant());
			return;
		}
		if (!this.gaps.containsKey(shard) && !confirmed(shard, found, state.leaderKnown())) {
			redeliverAfter(shard, GAP_RECHECK);
			return;
		}
		StreamGap reported = this.gaps.put(shard, found);
		if (reported == null || !reported.problem().equals(found.problem())) {
			logger.error("Node {}: {}", this.nodeId, found.describe());
			this.gapFound.run();
		}
		// Checked again now and then: a gap that was restored or was never real lets the shard start by itself.
		redeliverLater(shard);
	}

	/**
	 * Whether a gap not reported yet has been seen for the confirmation time in answers that came with the stream's
	 * leader; records it as suspected until then.
	 */
	private boolean confirmed(int shard, StreamGap found, boolean leaderKnown) {
		Instant now = this.clock.instant();
		SuspectedGap suspected = this.suspectedGaps.merge(shard, new SuspectedGap(now, found),
				(first, latest) -> new SuspectedGap(first.since(), latest.gap()));
		if (!leaderKnown) {
			// An outdated replica's view, e.g. of a server that restarted and has not caught up: never a gap by itself.
			if (suspected.since().equals(now)) {
				logger.warn("Node {}: stream {} {}, as a server that knows no leader of the stream answers; this is "
						+ "taken for that server's outdated copy, not a gap, and checked again until the stream's "
						+ "leader answers. If it lasts, restart that server (the one this node is connected to)",
						this.nodeId, found.stream(), found.problem());
			}
			return false;
		}
		if (Duration.between(suspected.since(), now).compareTo(this.gapConfirmation) >= 0) {
			this.suspectedGaps.remove(shard);
			return true;
		}
		if (suspected.since().equals(now)) {
			logger.warn("Node {}: stream {} {}; checking again for {} s before stopping the shard (a stream that has "
					+ "just elected a leader can answer with an older state)", this.nodeId, found.stream(),
					found.problem(), this.gapConfirmation.toSeconds());
		}
		return false;
	}

	private synchronized void stop(int shard) {
		this.sources.get(shard).stop();
		this.queue.discard(shard);
	}

	private synchronized void restart(int shard) {
		this.redeliveries.remove(shard);
		if (this.closed || this.held) {
			return;
		}
		stop(shard);
		if (this.manualPauses.isPaused(shard)) {
			return;
		}
		ShardSource source = this.sources.get(shard);
		if (!this.gaps.containsKey(shard) && !this.suspectedGaps.containsKey(shard)) {
			logger.info("Node {}: redelivering stream {} from sequence {}", this.nodeId, source.stream(),
					this.positions.of(source.stream()) + 1);
		}
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

	/**
	 * A shard's consumer being started.
	 * @param since the first attempt
	 * @param lastFailure why the last attempt failed, {@code null} before one failed
	 */
	private record Starting(Instant since, @Nullable String lastFailure) {
	}

	/**
	 * A gap seen but not yet confirmed.
	 * @param since when it was first seen
	 * @param gap the gap as last seen
	 */
	record SuspectedGap(Instant since, StreamGap gap) {
	}

}
