package io.harmonylite.autoconfigure.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.harmonylite.replicate.PublisherStats;
import org.jspecify.annotations.Nullable;

/**
 * Monotonic publisher counts across engine restarts: every start creates a new publisher with counters from zero, so
 * the final counts of the previous one are carried over.
 */
final class PublishedChanges {

	private final Supplier<@Nullable PublisherStats> source;

	private final Map<String, Long> retiredByTable = new TreeMap<>();

	private long retiredFailures;

	private @Nullable PublisherStats current;

	PublishedChanges(Supplier<@Nullable PublisherStats> source) {
		this.source = source;
	}

	/**
	 * Changes acknowledged by JetStream since the application started, by table.
	 * @return the counts
	 */
	synchronized Map<String, Long> byTable() {
		PublisherStats stats = refresh();
		Map<String, Long> counts = new TreeMap<>(this.retiredByTable);
		if (stats != null) {
			stats.publishedByTable().forEach((table, count) -> counts.merge(table, count, Long::sum));
		}
		return counts;
	}

	/**
	 * Changes of one table acknowledged by JetStream since the application started.
	 * @param table the table
	 * @return the count
	 */
	long published(String table) {
		return byTable().getOrDefault(table, 0L);
	}

	/**
	 * Failed publish attempts since the application started.
	 * @return the count
	 */
	synchronized long failures() {
		PublisherStats stats = refresh();
		return this.retiredFailures + ((stats != null) ? stats.failures() : 0);
	}

	private @Nullable PublisherStats refresh() {
		PublisherStats latest = this.source.get();
		PublisherStats previous = this.current;
		if (latest != null && latest != previous) {
			if (previous != null) {
				// The previous publisher has stopped: its counts are final.
				previous.publishedByTable().forEach((table, count) -> this.retiredByTable.merge(table, count, Long::sum));
				this.retiredFailures += previous.failures();
			}
			this.current = latest;
		}
		return this.current;
	}

}
