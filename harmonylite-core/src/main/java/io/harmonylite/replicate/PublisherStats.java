package io.harmonylite.replicate;

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

	void recordPublished(String table) {
		this.publishedByTable.computeIfAbsent(table, (t) -> new LongAdder()).increment();
	}

	void recordFailure() {
		this.failures.increment();
	}

	void recordRejected() {
		this.rejected.increment();
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

}
