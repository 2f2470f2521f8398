package io.harmonylite.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Rows of changes written out in tests.
 *
 * @since 0.1.0
 */
public final class Rows {

	private Rows() {
	}

	/**
	 * A row of a change.
	 * @param columnsAndValues column, value, column, value…
	 * @return the row, its columns in that order
	 */
	public static Map<String, @Nullable Object> row(@Nullable Object... columnsAndValues) {
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		for (int i = 0; i < columnsAndValues.length; i += 2) {
			row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
		}
		return row;
	}

}
