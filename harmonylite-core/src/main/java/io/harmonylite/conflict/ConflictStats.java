package io.harmonylite.conflict;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * Counters of the conflict rule on one node, safe to share between the threads that record and apply changes.
 *
 * @since 0.1.0
 */
public final class ConflictStats {

	private final LongAdder superseded = new LongAdder();

	private final LongAdder aheadOfClock = new LongAdder();

	private final LongAdder clamped = new LongAdder();

	private final AtomicReference<@Nullable NodeIdClash> nodeIdClash = new AtomicReference<>();

	private volatile long lastLocalVersion;

	private volatile @Nullable String changeLogWentBack;

	private final AtomicReference<@Nullable AheadApplied> furthestAheadApplied = new AtomicReference<>();

	/**
	 * Received changes that lost on every column to what the node already had (older changes, and the node's own
	 * changes coming back from the stream), so nothing was written.
	 * @return the count since the node started
	 */
	public long superseded() {
		return this.superseded.sum();
	}

	/**
	 * Received changes whose version was more than the maximum clock skew ahead of this node's clock: applied, but a
	 * sign that a node's clock is wrong.
	 * @return the count since the node started
	 */
	public long aheadOfClock() {
		return this.aheadOfClock.sum();
	}

	/**
	 * Local changes whose version was bounded to this node's clock plus the maximum skew, because the process that
	 * wrote them had a clock too far ahead.
	 * @return the count since the node started
	 */
	public long clampedLocalVersions() {
		return this.clamped.sum();
	}

	/**
	 * The latest sign that another node runs with this node's id: a change of this node's id from another database
	 * (capture epoch), committed after this node started, or another node holding this id's presence key. Two nodes with one id
	 * break the tie-break of versions and take each other's changes for their own.
	 * @return the latest clash, {@code null} when none was seen
	 */
	public @Nullable NodeIdClash nodeIdClash() {
		return this.nodeIdClash.get();
	}

	/**
	 * Records a sign that another node runs with this node's id.
	 * @param clash what was seen
	 * @return {@code true} when it is the first seen of that other node
	 */
	public boolean nodeIdClash(NodeIdClash clash) {
		NodeIdClash previous = this.nodeIdClash.getAndSet(clash);
		return previous == null || !previous.other().equals(clash.other());
	}

	/**
	 * A sign that another node runs with this node's id.
	 *
	 * @param nodeId the id both use
	 * @param other what tells the other node, e.g. {@code its database has capture epoch 42}
	 * @param seenAt when it was seen: the commit of its change, or when its key was found
	 */
	public record NodeIdClash(long nodeId, String other, Instant seenAt) {
	}

	/**
	 * The received version furthest ahead of this node's clock that it applied since it started: until the time
	 * catches up with it, every version this node gives runs ahead of the time too.
	 * @return the version, {@code null} when no version beyond the maximum skew was applied
	 */
	public @Nullable AheadApplied furthestAheadApplied() {
		return this.furthestAheadApplied.get();
	}

	/**
	 * A received version applied although it was more than the maximum skew ahead of this node's clock.
	 *
	 * @param versionTime the time the version stands for
	 * @param origins the nodes whose changes carried versions that far ahead
	 * @param appliedAt when it was applied, by this node's clock
	 */
	public record AheadApplied(Instant versionTime, Set<Long> origins, Instant appliedAt) {

		/** Copies the origins. */
		public AheadApplied {
			origins = Set.copyOf(origins);
		}

	}

	/**
	 * Why this node's change log went back under it (an older copy of the database put in its place while it runs),
	 * as its local-change recorder found it out; {@code null} while it has not.
	 * @return the reason
	 */
	public @Nullable String changeLogWentBack() {
		return this.changeLogWentBack;
	}

	/**
	 * Forgets that the change log went back, when the node starts again (on the file as it is then).
	 */
	public void startedAgain() {
		this.changeLogWentBack = null;
	}

	void changeLogWentBack(String reason) {
		this.changeLogWentBack = reason;
	}

	/**
	 * The version the node last gave a local change, 0 before the first: far ahead of the time, the other nodes refuse
	 * the node's changes.
	 * @return the hybrid logical clock value
	 */
	public long lastLocalVersion() {
		return this.lastLocalVersion;
	}

	void localVersion(long version) {
		this.lastLocalVersion = version;
	}

	void superseded(int count) {
		this.superseded.add(count);
	}

	void aheadOfClock(int count, AheadApplied furthest) {
		this.aheadOfClock.add(count);
		this.furthestAheadApplied.accumulateAndGet(furthest, (previous, next) -> (previous == null
				|| next.versionTime().isAfter(previous.versionTime())) ? next : previous);
	}

	void clamped(int count) {
		this.clamped.add(count);
	}

}
