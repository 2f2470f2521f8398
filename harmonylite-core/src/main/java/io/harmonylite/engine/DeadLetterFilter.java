package io.harmonylite.engine;

import org.jspecify.annotations.Nullable;

/**
 * Which dead letters an operator lists or re-applies: a range of the dead-letter stream, and optionally one table.
 *
 * @param table only letters with a change of this table (a letter of several tables is applied whole); {@code null}
 * for every table
 * @param fromSequence the first dead-letter sequence, inclusive
 * @param toSequence the last dead-letter sequence, inclusive
 * @since 0.1.0
 */
public record DeadLetterFilter(@Nullable String table, long fromSequence, long toSequence) {

	/** Every dead letter. */
	public static final DeadLetterFilter ALL = new DeadLetterFilter(null, 1, Long.MAX_VALUE);

	/**
	 * The filter an operator's selection names: nothing for every letter, {@code <from>-<to>} for a range of
	 * dead-letter sequences, one number for one letter, anything else for a table.
	 * @param selection the selection, such as {@code Books}, {@code 10-20} or {@code 12}
	 * @return the filter
	 * @throws IllegalArgumentException if a range does not ascend, or a selection looks like a number but is none of
	 * the above (such as {@code -3})
	 */
	public static DeadLetterFilter of(@Nullable String selection) {
		if (selection == null || selection.isBlank()) {
			return ALL;
		}
		if (selection.matches("\\d{1,18}(-\\d{1,18})?")) {
			String[] range = selection.split("-");
			return new DeadLetterFilter(null, Long.parseLong(range[0]), Long.parseLong(range[range.length - 1]));
		}
		if (selection.matches("-?\\d+(-\\d*)?")) {
			throw new IllegalArgumentException("'" + selection + "' is no dead-letter sequence (from 1, up to 18 "
					+ "digits) or range of them such as 10-20; a table whose name is a number cannot be selected, "
					+ "list every letter instead");
		}
		return new DeadLetterFilter(selection, 1, Long.MAX_VALUE);
	}

	public DeadLetterFilter {
		if (fromSequence < 1 || toSequence < fromSequence) {
			throw new IllegalArgumentException("A dead-letter range runs from sequence 1 or more to a sequence not "
					+ "below it, but was " + fromSequence + " to " + toSequence);
		}
		if (table != null && table.isBlank()) {
			table = null;
		}
	}

}
