package io.harmonylite.replicate;

/**
 * Records into {@link PublisherStats} from tests outside the publisher, which is its only writer.
 */
public final class PublisherStatsRecorder {

	private PublisherStatsRecorder() {
	}

	/**
	 * Records acknowledged changes.
	 * @param stats the counters
	 * @param table the table
	 * @param count how many
	 */
	public static void published(PublisherStats stats, String table, int count) {
		for (int i = 0; i < count; i++) {
			stats.recordPublished(table);
		}
	}

	/**
	 * Records a failed publish attempt.
	 * @param stats the counters
	 */
	public static void failure(PublisherStats stats) {
		stats.recordFailure();
	}

}
