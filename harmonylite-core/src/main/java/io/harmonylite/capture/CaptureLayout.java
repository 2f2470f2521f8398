package io.harmonylite.capture;

import java.util.List;

/**
 * The columns a table's triggers write into the change log's value columns {@code c0..ck}, in that order, and the
 * table's primary key at the time the triggers were generated.
 *
 * @param id the layout id, written as a literal by the triggers into every change-log row
 * @param table the table name
 * @param columns the captured column names, {@code columns[i]} stored in {@code c<i>}
 * @param primaryKey the primary-key column names in key order
 */
record CaptureLayout(long id, String table, List<String> columns, List<String> primaryKey) {

	CaptureLayout {
		columns = List.copyOf(columns);
		primaryKey = List.copyOf(primaryKey);
	}

	boolean sameShape(List<String> otherColumns, List<String> otherPrimaryKey) {
		return this.columns.equals(otherColumns) && this.primaryKey.equals(otherPrimaryKey);
	}

}
