package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

import io.harmonylite.apply.ShardSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a shard whose consumer stopped delivering although its stream holds changes this node has not applied (the
 * server hosting the consumer froze or left, a leader moved) and restarts it from the applied position, rather than
 * waiting for the client's own heartbeat alarm. A shard counts as stalled when JetStream answers, the stream's last
 * sequence is beyond the applied one, the shard should be delivering (not paused, held or at a gap), the apply loop
 * is idle (its queue empty, no batch in progress: a batch waiting for the database is no stall), and the applied position has not moved for {@link #STALL} since the stream held changes for it (for
 * {@link #FIRST_DELIVERY} when its consumer has delivered nothing at all since it started); restarts of a shard that
 * stays stalled back off up to {@link #MAX_WAIT}. A stalled shard is reported as a
 * {@link EngineStatus.ProblemKind#SHARD_STALLED} problem until it moves again.
 */
final class ShardStallWatch implements ProblemSource {

	private static final Logger logger = LoggerFactory.getLogger(ShardStallWatch.class);

	/** How long a shard may stay without progress, with changes to receive, before its consumer is restarted. */
	static final Duration STALL = Duration.ofSeconds(3);

	/**
	 * How long a consumer that has delivered nothing at all since it started may stay so while its stream holds changes
	 * for it, before its first restart. Seen with nats-server 2.10 right after an R3 stream's creation: an ordered
	 * consumer placed on one of the stream's replicas delivered nothing until it was created again.
	 */
	static final Duration FIRST_DELIVERY = Duration.ofSeconds(1);

	/** How long a shard's consumer may take to start before the node reports the shard as stalled. */
	static final Duration STARTING_TOO_LONG = Duration.ofSeconds(10);

	/** The longest wait between two restarts of a shard that stays stalled. */
	static final Duration MAX_WAIT = Duration.ofMinutes(1);

	private final long nodeId;

	private final List<ShardSource> sources;

	private final ShardSupervisor supervisor;

	private final StreamStateCache streams;

	private final IntPredicate pausedBySchema;

	private final BooleanSupplier applying;

	private final Clock clock;

	private final Map<Integer, Progress> progress = new ConcurrentHashMap<>();

	/** Since when a delivering shard's stream has ended before its applied position. */
	private final Map<Integer, Instant> beyondTheEnd = new ConcurrentHashMap<>();

	/**
	 * Creates the watch.
	 * @param nodeId this node's id, for the logs
	 * @param sources the shard sources, for the shard numbers and stream names
	 * @param supervisor knows the applied positions and which shards deliver, and restarts them
	 * @param streams the streams' states, read in the background
	 * @param pausedBySchema whether a schema mismatch holds a shard
	 * @param applying whether the apply loop has messages queued or a batch in progress
	 * @param clock the clock
	 */
	ShardStallWatch(long nodeId, List<ShardSource> sources, ShardSupervisor supervisor, StreamStateCache streams,
			IntPredicate pausedBySchema, BooleanSupplier applying, Clock clock) {
		this.nodeId = nodeId;
		this.sources = List.copyOf(sources);
		this.supervisor = supervisor;
		this.streams = streams;
		this.pausedBySchema = pausedBySchema;
		this.applying = applying;
		this.clock = clock;
	}

	/**
	 * Checks every shard once, restarting the stalled ones; run it after each refresh of the stream states.
	 */
	void check() {
		Instant now = this.clock.instant();
		boolean answering = this.streams.answering(now);
		for (ShardSource source : this.sources) {
			int shard = source.shard();
			long applied = this.supervisor.applied(source.stream());
			Progress last = this.progress.get(shard);
			StreamStateCache.Read read = this.streams.read(shard);
			checkNotBeyondTheEnd(source, applied, read, answering, now);
			if (last == null || last.applied != applied || read == null || read.state().lastSequence() <= applied) {
				// Moving, or caught up: not stalled.
				boolean behind = read != null && read.state().lastSequence() > applied;
				this.progress.put(shard, new Progress(applied, now, null, 0, STALL, behind));
				continue;
			}
			if (this.pausedBySchema.test(shard)) {
				// Held by a schema mismatch, not stalled: a stall seen before the pause is over.
				this.progress.put(shard, new Progress(applied, now, null, 0, STALL, true));
				continue;
			}
			if (!last.behind || !answering || !expectsDelivery(shard, read, now) || source.delivering()) {
				// Just fell behind, or not expected to move now (paused, restarting, busy applying or handing a message
				// over, JetStream silent):
				// the clock starts or waits.
				this.progress.put(shard, new Progress(applied, now, last.stalledSince, last.restarts, last.pause, true));
				continue;
			}
			if (Duration.between(silentSince(source, last), now).compareTo(pause(source, last)) < 0) {
				continue;
			}
			long behind = read.state().lastSequence() - applied;
			Instant stalledSince = (last.stalledSince != null) ? last.stalledSince : last.since;
			int restarts = last.restarts + 1;
			Duration next = min(last.pause.multipliedBy(2), MAX_WAIT);
			logger.warn("Node {}: stream {} holds {} message(s) after sequence {} that this node has not received for "
					+ "{} s; restarting its consumer (restart {}; next check in {} s)", this.nodeId, source.stream(),
					behind, applied, Duration.between(stalledSince, now).toSeconds(), restarts, next.toSeconds());
			this.progress.put(shard, new Progress(applied, now, stalledSince, restarts, next, true));
			this.supervisor.restartNow(shard);
		}
	}

	/**
	 * A delivering shard whose stream ends before the position applied here receives nothing ever again (a stream reset
	 * under the running node, e.g. a scale-up that elected an empty replica): its consumer is restarted, which checks
	 * the stream for a gap and reports it, rather than the node saying it is caught up.
	 */
	private void checkNotBeyondTheEnd(ShardSource source, long applied, StreamStateCache.@Nullable Read read,
			boolean answering, Instant now) {
		int shard = source.shard();
		if (read == null || !answering || read.state().lastSequence() >= applied
				|| !fresh(read, now)
				|| !this.supervisor.delivering(shard)) {
			this.beyondTheEnd.remove(shard);
			return;
		}
		Instant since = this.beyondTheEnd.computeIfAbsent(shard, (key) -> now);
		if (Duration.between(since, now).compareTo(STALL) >= 0) {
			logger.warn("Node {}: stream {} ends at sequence {}, before sequence {} that this node applied, for {} s; "
					+ "restarting its consumer, which checks the stream for a gap", this.nodeId, source.stream(),
					read.state().lastSequence(), applied, Duration.between(since, now).toSeconds());
			this.beyondTheEnd.put(shard, now);
			this.supervisor.restartNow(shard);
		}
	}

	/** The wait before the next restart: shorter for the first restart of a consumer that never delivered. */
	private static Duration pause(ShardSource source, Progress last) {
		return (last.restarts == 0 && !source.deliveredSinceStart()) ? FIRST_DELIVERY : last.pause;
	}

	/** Since when the shard waits: the later of when it was last seen moving and when its consumer started. */
	private Instant silentSince(ShardSource source, Progress last) {
		Instant started = this.supervisor.startedAt(source.shard());
		return (started != null && started.isAfter(last.since)) ? started : last.since;
	}

	private boolean expectsDelivery(int shard, StreamStateCache.Read read, Instant now) {
		return fresh(read, now)
				&& this.supervisor.delivering(shard) && !this.pausedBySchema.test(shard) && !this.applying.getAsBoolean();
	}

	@Override
	public List<EngineStatus.Problem> problems() {
		List<EngineStatus.Problem> problems = new ArrayList<>();
		Instant now = this.clock.instant();
		for (ShardSource source : this.sources) {
			Progress last = this.progress.get(source.shard());
			Instant starting = this.supervisor.startingSince(source.shard());
			if (starting != null && Duration.between(starting, now).compareTo(STARTING_TOO_LONG) > 0) {
				problems.add(new EngineStatus.Problem(EngineStatus.ProblemKind.SHARD_STALLED,
						EngineStatus.Severity.DEGRADED, "shard " + source.shard(),
						"the consumer of stream " + source.stream() + " has been starting for "
								+ Duration.between(starting, now).toSeconds() + " s: JetStream does not answer its "
								+ "requests yet (its servers elect the stream's leader, or lost their quorum); nothing "
								+ "of this shard is received meanwhile. It is retried; check the NATS servers of the "
								+ "stream if it lasts" + lastFailure(this.supervisor.startFailure(source.shard())),
						starting));
			}
			else if (last != null && last.stalledSince != null) {
				problems.add(new EngineStatus.Problem(EngineStatus.ProblemKind.SHARD_STALLED,
						EngineStatus.Severity.DEGRADED, "shard " + source.shard(),
						"stream " + source.stream() + " holds changes after sequence " + last.applied + " that this "
								+ "node has not received since " + last.stalledSince + "; its consumer was restarted "
								+ last.restarts + " time(s). Check the NATS servers of the stream (their logs, "
								+ "'nats stream info " + source.stream() + "').",
						last.stalledSince));
			}
		}
		return problems;
	}

	/** Whether a stream's state was read lately enough to act on. */
	private static boolean fresh(StreamStateCache.Read read, Instant now) {
		return Duration.between(read.at(), now).compareTo(StreamStateCache.SILENCE) <= 0;
	}

	private static String lastFailure(@Nullable String failure) {
		return (failure != null) ? " (last attempt: " + failure + ")" : "";
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * Where a shard stood when last seen moving.
	 *
	 * @param applied the applied sequence then
	 * @param since since when it has not moved (or the last restart)
	 * @param stalledSince since when it is stalled, {@code null} when it is not
	 * @param restarts restarts since it stalled
	 * @param pause how long to wait before the next restart
	 * @param behind whether the stream held changes for it then
	 */
	private record Progress(long applied, Instant since, @Nullable Instant stalledSince, int restarts, Duration pause,
			boolean behind) {
	}

}
