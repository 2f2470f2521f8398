package io.harmonylite.conflict;

import java.util.Map;
import java.util.TreeMap;

/**
 * The earliest time each local change can have been committed, from this node's own looks at the change log: a
 * change not yet there when the node looked was committed after that look. It keeps a writer whose clock is behind
 * from giving its change a version older than changes the node saw before it. Keeps the looks since the oldest change
 * still to be recorded; not thread-safe (one per recorder).
 */
final class CommitFloor {

	/** Per last change-log id seen, the time of the latest look that saw it as the last. */
	private final TreeMap<Long, Long> looks = new TreeMap<>();

	/**
	 * Notes a look at the change log.
	 * @param lastId the change log's last id then
	 * @param startedAtMillis this node's clock just before the look began
	 */
	void looked(long lastId, long startedAtMillis) {
		Map.Entry<Long, Long> latest = this.looks.lastEntry();
		if (latest != null && (latest.getKey() > lastId || latest.getValue() > startedAtMillis)) {
			// An emptied log, or a clock stepped back: start over rather than mix the two.
			this.looks.clear();
		}
		this.looks.put(lastId, startedAtMillis);
	}

	/**
	 * The earliest time a change can have been committed.
	 * @param changeId the change's id in the change log
	 * @return this node's clock at the latest look that did not see it yet; 0 when there was none
	 */
	long of(long changeId) {
		Map.Entry<Long, Long> look = this.looks.lowerEntry(changeId);
		return (look != null) ? look.getValue() : 0;
	}

	/**
	 * Forgets the looks no change after the cursor needs.
	 * @param cursor the last change-log id recorded
	 */
	void recordedThrough(long cursor) {
		Long needed = this.looks.floorKey(cursor);
		if (needed != null) {
			this.looks.headMap(needed, false).clear();
		}
	}

}
