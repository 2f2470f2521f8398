package io.harmonylite.schema;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The replicable shape of one table: its stored columns (generated columns excluded) and primary key.
 *
 * @param name the table name as declared
 * @param columns the stored columns in declaration order
 * @param withoutRowid whether the table is a WITHOUT ROWID table
 * @since 0.1.0
 */
public record TableSchema(String name, List<ColumnSchema> columns, boolean withoutRowid) {

	public TableSchema {
		columns = List.copyOf(columns);
	}

	/**
	 * The primary-key column names in key order.
	 * @return the key columns, empty for a table without a declared primary key
	 */
	public List<String> primaryKey() {
		return this.columns.stream()
			.filter(ColumnSchema::isPrimaryKey)
			.sorted(Comparator.comparingInt(ColumnSchema::primaryKeyIndex))
			.map(ColumnSchema::name)
			.toList();
	}

	/**
	 * The column names in declaration order.
	 * @return the column names
	 */
	public List<String> columnNames() {
		return this.columns.stream().map(ColumnSchema::name).toList();
	}

	/**
	 * Finds a column by exact name.
	 * @param column the column name
	 * @return the column, if the table has it
	 */
	public Optional<ColumnSchema> column(String column) {
		return this.columns.stream().filter((c) -> c.name().equals(column)).findFirst();
	}

}
