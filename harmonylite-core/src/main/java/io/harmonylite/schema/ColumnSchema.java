package io.harmonylite.schema;

/**
 * One column of a table as SQLite reports it.
 *
 * @param name the column name
 * @param declaredType the declared type as written in the DDL, possibly empty
 * @param notNull whether the column is NOT NULL
 * @param primaryKeyIndex the 1-based position in the primary key, 0 when not part of it
 * @since 0.1.0
 */
public record ColumnSchema(String name, String declaredType, boolean notNull, int primaryKeyIndex) {

	/**
	 * Whether the column is part of the primary key.
	 * @return {@code true} for key columns
	 */
	public boolean isPrimaryKey() {
		return this.primaryKeyIndex > 0;
	}

}
