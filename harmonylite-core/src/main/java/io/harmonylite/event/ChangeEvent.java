package io.harmonylite.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * @since 0.1.0
 */
public record ChangeEvent(long originNodeId, long changeId, String table, Operation operation,
		Map<String, @Nullable Object> row, List<String> primaryKey, long committedAtMillis, String schemaHash) {

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
				+ this.operation + "]";
	}

}
