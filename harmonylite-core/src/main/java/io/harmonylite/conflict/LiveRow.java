package io.harmonylite.conflict;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Reads a row's values from its table, for the cases where the conflict rule needs them: a row without version state,
 * equal versions, or a delete that wins (the deleted values are kept).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface LiveRow {

	/**
	 * Reads the row.
	 * @return column to value, or {@code null} when the table has no such row
	 */
	@Nullable Map<String, @Nullable Object> read();

}
