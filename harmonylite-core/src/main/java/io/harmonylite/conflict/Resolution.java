package io.harmonylite.conflict;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the conflict rule decided to write for one change.
 *
 * @param row the row the change is about
 * @param write the kind of write
 * @param values the values to write: the winning columns for {@link Write#UPDATE_COLUMNS}, the whole row (key
 * included) for {@link Write#UPSERT_ROW}; empty otherwise
 * @since 0.1.0
 */
public record Resolution(RowKey row, Write write, Map<String, @Nullable Object> values) {

	/** The kinds of write. */
	public enum Write {

		/** Nothing to write: the change lost, or only merged into a deleted row's state. */
		NONE,

		/** Update the winning columns of the existing row, by primary key. */
		UPDATE_COLUMNS,

		/** Insert the whole row, or overwrite it if it exists. */
		UPSERT_ROW,

		/** Delete the row by primary key. */
		DELETE_ROW

	}

}
