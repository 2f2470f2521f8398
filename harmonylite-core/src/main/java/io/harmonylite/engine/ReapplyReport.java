package io.harmonylite.engine;

import java.util.List;

/**
 * What re-applying dead letters did.
 *
 * @param reapplied the letters applied now
 * @param alreadyReapplied the letters skipped because they were re-applied before
 * @param stillFailing the letters that still cannot be applied, with the reason; they stay in the dead-letter stream
 * @since 0.1.0
 */
public record ReapplyReport(List<DeadLetterEntry> reapplied, List<DeadLetterEntry> alreadyReapplied,
		List<Failure> stillFailing) {

	public ReapplyReport {
		reapplied = List.copyOf(reapplied);
		alreadyReapplied = List.copyOf(alreadyReapplied);
		stillFailing = List.copyOf(stillFailing);
	}

	/**
	 * A dead letter that still cannot be applied.
	 *
	 * @param letter the letter
	 * @param reason why, now
	 */
	public record Failure(DeadLetterEntry letter, String reason) {
	}

}
