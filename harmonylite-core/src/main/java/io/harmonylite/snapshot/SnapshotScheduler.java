package io.harmonylite.snapshot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.harmonylite.schema.SchemaHasher;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the cluster's scheduled snapshots on whichever node holds the {@link SnapshotLease}: every heartbeat it
 * renews (or tries to take) the lease, unless the node may not take snapshots now (then it gives the lease up, so that
 * another node takes them), and the holder saves a snapshot when {@code interval} has passed since the
 * newest one in the store, or {@code afterChanges} changes were applied since its last one, or its schema hash is no
 * longer the newest snapshot's (after a migration: a node that joins, or that lost its replication state, with the new
 * schema needs a snapshot with it, and the streams' older changes do not fit its tables). A node that takes the lease
 * over goes on from the newest snapshot in the store rather than taking one at once. {@link #takeNow()} saves one on
 * demand, lease or not.
 *
 * @since 0.1.0
 */
public final class SnapshotScheduler implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotScheduler.class);

	private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

	/** The least time between two snapshots taken because a node asked for one. */
	static final Duration REQUEST_SPACING = Duration.ofMinutes(1);

	private final long nodeId;

	private final SnapshotSaver saver;

	private final SnapshotLease lease;

	private final Duration interval;

	private final long afterChanges;

	private final Duration heartbeat;

	private final LongSupplier changesApplied;

	private final Clock clock;

	private final ConsistencyCheck eligibility;

	private final Supplier<@Nullable String> schemaHash;

	private final Object lock = new Object();

	/** Written under lock; read without it, so that the status never waits for a lease call or a snapshot. */
	private volatile boolean leader;

	// Guarded by lock.

	private @Nullable Instant lastSnapshot;

	private @Nullable String lastSnapshotHash;

	private long changesAtLastSnapshot;

	private @Nullable Instant nextAttempt;

	/** When a snapshot was last taken because a node asked for one. */
	private @Nullable Instant lastRequested;

	private Duration backoff;

	/** Since when this node's scheduled snapshots fail, and why; read without the lock. */
	private volatile @Nullable Failing failing;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Creates a scheduler; {@link #start()} starts it.
	 * @param nodeId this node's id
	 * @param saver takes, stores and prunes snapshots
	 * @param lease the snapshot lease
	 * @param interval how often a snapshot is taken; zero for never by time
	 * @param afterChanges take one after this many changes applied; zero for never by count
	 * @param heartbeat how often the lease is renewed and the schedule checked, a third of the lease TTL at most
	 * @param changesApplied how many changes this node applied since it started (never decreases)
	 * @param clock the clock
	 */
	public SnapshotScheduler(long nodeId, SnapshotSaver saver, SnapshotLease lease, Duration interval,
			long afterChanges, Duration heartbeat, LongSupplier changesApplied, Clock clock) {
		this(nodeId, saver, lease, interval, afterChanges, heartbeat, changesApplied, clock, ConsistencyCheck.always(),
				() -> null);
	}

	/**
	 * Creates a scheduler that holds the lease only while the node may take snapshots, so that a node that cannot
	 * (a paused shard, a stream gap, a restore) leaves them to another.
	 * @param nodeId this node's id
	 * @param saver takes, stores and prunes snapshots
	 * @param lease the snapshot lease
	 * @param interval how often a snapshot is taken; zero for never by time
	 * @param afterChanges take one after this many changes applied; zero for never by count
	 * @param heartbeat how often the lease is renewed and the schedule checked, a third of the lease TTL at most
	 * @param changesApplied how many changes this node applied since it started (never decreases)
	 * @param clock the clock
	 * @param eligibility whether the node may take snapshots now; while it may not, it gives the lease up
	 * @param schemaHash the node's schema hash now, {@code null} when unknown (then it takes no snapshot for it)
	 */
	public SnapshotScheduler(long nodeId, SnapshotSaver saver, SnapshotLease lease, Duration interval,
			long afterChanges, Duration heartbeat, LongSupplier changesApplied, Clock clock,
			ConsistencyCheck eligibility, Supplier<@Nullable String> schemaHash) {
		this.eligibility = eligibility;
		this.schemaHash = schemaHash;
		this.nodeId = nodeId;
		this.saver = saver;
		this.lease = lease;
		this.interval = interval;
		this.afterChanges = afterChanges;
		this.heartbeat = heartbeat;
		this.changesApplied = changesApplied;
		this.clock = clock;
		this.backoff = heartbeat;
	}

	/**
	 * Starts the heartbeat on a daemon thread.
	 */
	public void start() {
		synchronized (this.lock) {
			if (this.executor != null) {
				return;
			}
			this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "harmonylite-snapshot-" + this.nodeId);
				thread.setDaemon(true);
				return thread;
			});
			this.executor.scheduleWithFixedDelay(this::tickSafely, 0, this.heartbeat.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Takes a snapshot now, whoever holds the lease.
	 * @return the stored snapshot's metadata
	 * @throws SnapshotRefusedException if the node is not consistent now
	 * @throws SnapshotException if the snapshot cannot be taken or stored
	 */
	public SnapshotMetadata takeNow() {
		synchronized (this.lock) {
			return saved(this.saver.save());
		}
	}

	/**
	 * Whether this node held the lease at the last heartbeat; answers at once, even while a heartbeat waits on NATS
	 * or a snapshot is being taken.
	 * @return {@code true} when it takes the scheduled snapshots
	 */
	public boolean isLeader() {
		return this.leader;
	}

	/**
	 * Whether this node's scheduled snapshots fail: since the first failure after the last snapshot it took, while it
	 * holds the lease.
	 * @return the failure, {@code null} when none
	 */
	public @Nullable Failing failing() {
		Failing current = this.failing;
		return (current != null && this.leader) ? current : null;
	}

	/**
	 * Scheduled snapshots that fail.
	 *
	 * @param since the first failure after the last snapshot taken
	 * @param reason the last failure's message
	 */
	public record Failing(Instant since, String reason) {
	}

	/**
	 * Renews the lease and takes a snapshot when one is due; one heartbeat.
	 */
	void tick() {
		synchronized (this.lock) {
			Optional<String> blocker = this.eligibility.blocker();
			if (blocker.isPresent()) {
				if (this.leader) {
					logger.info("Node {}: gives the snapshot lease up, it takes no snapshot now: {}", this.nodeId,
							blocker.get());
					this.lease.release();
					this.leader = false;
				}
				return;
			}
			boolean held = this.lease.acquireOrRenew();
			if (!held) {
				if (this.leader) {
					logger.info("Node {}: no longer takes the scheduled snapshots (lease lost)", this.nodeId);
				}
				this.leader = false;
				return;
			}
			Instant now = this.clock.instant();
			if (!this.leader) {
				this.leader = true;
				List<SnapshotMetadata> snapshots = this.saver.store().list();
				this.lastSnapshot = snapshots.isEmpty() ? null : snapshots.get(0).createdAt();
				this.lastSnapshotHash = snapshots.isEmpty() ? null : snapshots.get(0).schemaHash();
				this.changesAtLastSnapshot = this.changesApplied.getAsLong();
				this.nextAttempt = null;
				logger.info("Node {}: takes the scheduled snapshots now (lease acquired; newest snapshot {})",
						this.nodeId, (this.lastSnapshot != null) ? this.lastSnapshot : "none");
			}
			if (isDue(now)) {
				attempt(now);
			}
		}
	}

	private boolean isDue(Instant now) {
		if (this.nextAttempt != null && now.isBefore(this.nextAttempt)) {
			return false;
		}
		boolean byTime = !this.interval.isZero()
				&& (this.lastSnapshot == null || !now.isBefore(this.lastSnapshot.plus(this.interval)));
		boolean byChanges = this.afterChanges > 0
				&& this.changesApplied.getAsLong() - this.changesAtLastSnapshot >= this.afterChanges;
		boolean byRequest = requested(now);
		String hash = this.schemaHash.get();
		boolean bySchema = hash != null && this.lastSnapshotHash != null && !hash.equals(this.lastSnapshotHash);
		if (bySchema && !byTime && !byChanges) {
			logger.info("Node {}: takes a snapshot for its new schema hash {} (the newest snapshot has {})", this.nodeId,
					SchemaHasher.shortHash(hash), SchemaHasher.shortHash(this.lastSnapshotHash));
		}
		return byTime || byChanges || bySchema || byRequest;
	}

	/**
	 * Whether a node asked for a snapshot after the newest one, and the last one taken on request is at least
	 * {@link #REQUEST_SPACING} old: a node that waits for a snapshot gets one at the next heartbeat, not after the
	 * interval, and one that still waits (none fits it) does not make the holder take one at every heartbeat.
	 */
	private boolean requested(Instant now) {
		if (this.lastRequested != null && now.isBefore(this.lastRequested.plus(REQUEST_SPACING))) {
			return false;
		}
		Optional<SnapshotLease.SnapshotRequest> request;
		try {
			request = this.lease.request();
		}
		catch (RuntimeException ex) {
			// Unreadable now: the scheduled snapshots go on, the request is seen at a later heartbeat.
			logger.debug("Node {}: could not read the snapshot requests: {}", this.nodeId, ex.getMessage());
			return false;
		}
		if (request.isEmpty() || (this.lastSnapshot != null && !request.get().at().isAfter(this.lastSnapshot))) {
			return false;
		}
		this.lastRequested = now;
		logger.info("Node {}: takes a snapshot for node {}, which waits for one (asked at {})", this.nodeId,
				request.get().nodeId(), request.get().at());
		return true;
	}

	private void attempt(Instant now) {
		try {
			saved(this.saver.save());
		}
		catch (SnapshotRefusedException ex) {
			retryLater(now);
			logger.info("{}", ex.getMessage());
		}
		catch (RuntimeException ex) {
			retryLater(now);
			Failing previous = this.failing;
			this.failing = new Failing((previous != null) ? previous.since() : now, String.valueOf(ex.getMessage()));
			logger.warn("Node {}: scheduled snapshot failed, retrying in {} s: {}", this.nodeId,
					this.backoff.toSeconds(), ex.getMessage());
		}
	}

	private SnapshotMetadata saved(SnapshotMetadata metadata) {
		this.lastSnapshot = metadata.createdAt();
		this.lastSnapshotHash = metadata.schemaHash();
		this.changesAtLastSnapshot = this.changesApplied.getAsLong();
		this.nextAttempt = null;
		this.backoff = this.heartbeat;
		this.failing = null;
		return metadata;
	}

	private void retryLater(Instant now) {
		this.nextAttempt = now.plus(this.backoff);
		Duration doubled = this.backoff.multipliedBy(2);
		this.backoff = (doubled.compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : doubled;
	}

	private void tickSafely() {
		try {
			tick();
		}
		catch (RuntimeException ex) {
			// The lease or the store could not be reached; the next heartbeat tries again.
			logger.warn("Node {}: snapshot heartbeat failed: {}", this.nodeId, ex.getMessage());
		}
	}

	/**
	 * Stops the heartbeat and gives the lease up, so that another node takes over at once.
	 */
	@Override
	public void close() {
		ScheduledExecutorService running;
		synchronized (this.lock) {
			running = this.executor;
			this.executor = null;
		}
		if (running != null) {
			running.shutdownNow();
			try {
				running.awaitTermination(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		synchronized (this.lock) {
			if (this.leader) {
				this.lease.release();
				this.leader = false;
			}
		}
	}

}
