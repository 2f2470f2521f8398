package io.harmonylite.replicate;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters kept by the publisher, read by status, health and metrics.
 *
 * @since 0.1.0
 */
public final class PublisherStats {

	private final Map<String, LongAdder> publishedByTable = new ConcurrentHashMap<>();

	private final LongAdder failures = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	/** The most recent rejected changes kept for the status. */
	static final int RECENT_REJECTIONS = 10;

	private final Deque<RejectedChange> recentRejections = new ArrayDeque<>();

	void recordPublished(String table) {
		this.publishedByTable.computeIfAbsent(table, (t) -> new LongAdder()).increment();
	}

	void recordFailure() {
		this.failures.increment();
	}

	void recordRejected(RejectedChange change) {
		this.rejected.increment();
		synchronized (this.recentRejections) {
			if (this.recentRejections.size() == RECENT_REJECTIONS) {
				this.recentRejections.removeFirst();
			}
			this.recentRejections.addLast(change);
		}
	}

	/**
	 * Changes acknowledged by JetStream, by table.
	 * @return a snapshot of the counts
	 */
	public Map<String, Long> publishedByTable() {
		Map<String, Long> counts = new TreeMap<>();
		this.publishedByTable.forEach((table, count) -> counts.put(table, count.sum()));
		return counts;
	}

	/**
	 * Publish attempts that failed and will be retried.
	 * @return the count
	 */
	public long failures() {
		return this.failures.sum();
	}

	/**
	 * Changes that can never be published (too large) and were marked failed in the change log.
	 * @return the count
	 */
	public long rejected() {
		return this.rejected.sum();
	}

	/**
	 * The most recent changes that can never be published, oldest first, at most ten.
	 * @return the rejected changes
	 */
	public List<RejectedChange> recentRejections() {
		synchronized (this.recentRejections) {
			return List.copyOf(this.recentRejections);
		}
	}

}
