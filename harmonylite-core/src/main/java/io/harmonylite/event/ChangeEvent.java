package io.harmonylite.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One captured row change as it travels between nodes.
 *
 * @param originNodeId the node where the change was written
 * @param changeId the change's id in the origin's change log, unique per node and capture epoch
 * @param table the table name
 * @param operation insert, update or delete
 * @param row the full row (the new row, or the old one for deletes), column name to storage-class value
 * @param primaryKey the primary-key column names in key order; each is present in {@code row}
 * @param committedAtMillis when the change was captured on the origin, epoch milliseconds
 * @param schemaHash the origin's schema hash when it published the change, empty when unknown
 * @param hlc the clock value of the change's {@link #version() version}; 0 for an unversioned change (wire format 1,
 * or captured but not yet recorded), which is applied unconditionally in stream order
 * @param changedColumns the columns an UPDATE changed, written at the change's version (the other columns of the row
 * travel at {@link Version#ZERO}); {@code null} means every column of the row (inserts, deletes, unversioned changes)
 * @since 0.1.0
 */
public record ChangeEvent(long originNodeId, long changeId, String table, Operation operation,
		Map<String, @Nullable Object> row, List<String> primaryKey, long committedAtMillis, String schemaHash, long hlc,
		@Nullable Set<String> changedColumns) {

	public ChangeEvent {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(operation, "operation");
		Objects.requireNonNull(schemaHash, "schemaHash");
		if (table.isEmpty()) {
			throw new IllegalArgumentException("A change event needs a table name");
		}
		LinkedHashMap<String, @Nullable Object> copy = new LinkedHashMap<>();
		row.forEach((column, value) -> copy.put(Objects.requireNonNull(column, "column"),
				SqlValues.normalize(column, value)));
		row = Collections.unmodifiableMap(copy);
		primaryKey = List.copyOf(primaryKey);
		if (primaryKey.isEmpty()) {
			throw new IllegalArgumentException("A change event for table '" + table + "' needs a primary key");
		}
		for (String column : primaryKey) {
			if (!row.containsKey(column)) {
				throw new IllegalArgumentException(
						"Primary-key column '" + column + "' of table '" + table + "' is missing from the row");
			}
		}
		if (hlc < 0) {
			throw new IllegalArgumentException("A change event's clock value must not be negative, was " + hlc);
		}
		if (changedColumns != null) {
			changedColumns = Set.copyOf(changedColumns);
			for (String column : changedColumns) {
				if (!row.containsKey(column)) {
					throw new IllegalArgumentException(
							"Changed column '" + column + "' of table '" + table + "' is missing from the row");
				}
			}
		}
	}

	/**
	 * Creates an unversioned change, applied unconditionally in stream order (wire format 1).
	 * @param originNodeId the node where the change was written
	 * @param changeId the change's id in the origin's change log
	 * @param table the table name
	 * @param operation insert, update or delete
	 * @param row the full row
	 * @param primaryKey the primary-key column names in key order
	 * @param committedAtMillis when the change was captured on the origin
	 * @param schemaHash the origin's schema hash, empty when unknown
	 */
	public ChangeEvent(long originNodeId, long changeId, String table, Operation operation,
			Map<String, @Nullable Object> row, List<String> primaryKey, long committedAtMillis, String schemaHash) {
		this(originNodeId, changeId, table, operation, row, primaryKey, committedAtMillis, schemaHash, 0, null);
	}

	/**
	 * Whether the change carries a version, and so is merged by the conflict rule rather than applied unconditionally.
	 * @return {@code true} when {@link #hlc()} is set
	 */
	public boolean isVersioned() {
		return this.hlc != 0;
	}

	/**
	 * The change's version: its clock value and its origin node.
	 * @return the version, {@link Version#ZERO} for an unversioned change
	 */
	public Version version() {
		return (this.hlc != 0) ? new Version(this.hlc, this.originNodeId) : Version.ZERO;
	}

	/**
	 * Whether the change wrote a column at its version: every column of an insert or of an update without a list, the
	 * listed columns of an update.
	 * @param column the column name
	 * @return {@code true} when the column's value is carried at the change's version
	 */
	public boolean changed(String column) {
		return this.operation != Operation.DELETE && this.row.containsKey(column)
				&& (this.changedColumns == null || this.changedColumns.contains(column));
	}

	/**
	 * This change with another row and changed-column list, e.g. restricted to the columns a node has.
	 * @param newRow the row
	 * @param newChangedColumns the changed columns, each present in the row; {@code null} for all
	 * @return the new event
	 */
	public ChangeEvent withRow(Map<String, @Nullable Object> newRow, @Nullable Set<String> newChangedColumns) {
		return new ChangeEvent(this.originNodeId, this.changeId, this.table, this.operation, newRow, this.primaryKey,
				this.committedAtMillis, this.schemaHash, this.hlc, newChangedColumns);
	}

	/**
	 * This change with a clock value, as recorded on its origin.
	 * @param newHlc the clock value
	 * @return the new event
	 */
	public ChangeEvent withHlc(long newHlc) {
		return new ChangeEvent(this.originNodeId, this.changeId, this.table, this.operation, this.row, this.primaryKey,
				this.committedAtMillis, this.schemaHash, newHlc, this.changedColumns);
	}

	/**
	 * The primary-key values in key order.
	 * @return the key values
	 */
	public List<@Nullable Object> primaryKeyValues() {
		List<@Nullable Object> values = new ArrayList<>(this.primaryKey.size());
		for (String column : this.primaryKey) {
			values.add(this.row.get(column));
		}
		return values;
	}

	@Override
	public String toString() {
		// Never print row data: it may hold personal data or secrets.
		return "ChangeEvent[node=" + this.originNodeId + ", change=" + this.changeId + ", table=" + this.table + ", "
				+ this.operation + ((this.hlc != 0) ? ", version=" + version() : "") + "]";
	}

}
