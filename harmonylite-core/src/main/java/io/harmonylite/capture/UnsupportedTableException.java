package io.harmonylite.capture;

import java.util.List;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when a table that should be watched cannot be captured, e.g. because it has no primary key.
 *
 * @since 0.1.0
 */
public class UnsupportedTableException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	private final List<String> tables;

	public UnsupportedTableException(List<String> tables, String message) {
		super(message);
		this.tables = List.copyOf(tables);
	}

	/**
	 * The tables that cannot be captured.
	 * @return the table names
	 */
	public List<String> tables() {
		return this.tables;
	}

}
