package io.harmonylite.apply;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import org.jspecify.annotations.Nullable;

/**
 * A row change written on another node and committed on this one, as told to a {@link ReplicatedChangeListener}: which
 * row of which table, how, and where it was written. The row's other values are in the database; read them there, since
 * the conflict rule may have kept newer values (or the row, after an older delete) than the change carried.
 *
 * @param table the table
 * @param operation insert, update or delete
 * @param key the row's primary-key values by column, in key order
 * @param originNodeId the node where the change was written
 * @param committedAt when the change was committed on its origin node
 * @since 0.1.0
 */
public record ReplicatedChange(String table, Operation operation, Map<String, @Nullable Object> key, long originNodeId,
		Instant committedAt) {

	public ReplicatedChange {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(operation, "operation");
		Objects.requireNonNull(committedAt, "committedAt");
		key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
	}

	/**
	 * The change as a listener sees it.
	 * @param event the change applied here
	 * @return the table, operation, key and origin of the change
	 */
	public static ReplicatedChange of(ChangeEvent event) {
		Map<String, @Nullable Object> key = new LinkedHashMap<>();
		for (String column : event.primaryKey()) {
			key.put(column, event.row().get(column));
		}
		return new ReplicatedChange(event.table(), event.operation(), key, event.originNodeId(),
				Instant.ofEpochMilli(event.committedAtMillis()));
	}

	@Override
	public String toString() {
		// Never print key values: they may be personal data.
		return "ReplicatedChange[table=" + this.table + ", " + this.operation + ", node=" + this.originNodeId + "]";
	}

}
