package io.harmonylite.conflict;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.harmonylite.conflict.Resolution.Write;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import org.jspecify.annotations.Nullable;

/**
 * The conflict rule: merges a versioned change into what a node knows about a row. It is a join (commutative,
 * associative, idempotent), so nodes that receive the same changes in any order, any number of times, end with the
 * same row.
 * <p>
 * Per column, the (version, value) with the highest version wins. A write offers the columns it changed at its
 * version (an insert changes every column) and its other columns at {@link Version#ZERO}; values at equal ZERO
 * versions are ordered by {@link ValueOrder}, and any value beats a column the node holds no value for. A row without
 * version state holds its values at ZERO. Deletes: a delete offers only its version; the tombstone is the highest
 * delete version seen, and the row exists exactly when its newest column version is above the tombstone. A delete
 * that wins removes the row and keeps its values as the ghost; a delete older than the row's newest write changes
 * nothing; a write older than the tombstone merges into the ghost only; a write newer than the tombstone brings the
 * row back with the merged values.
 */
final class MergeRule {

	private MergeRule() {
	}

	/**
	 * What to do in the table, and the row's new state.
	 *
	 * @param write the write
	 * @param values the values to write: the winning columns for {@link Write#UPDATE_COLUMNS}, the whole row for
	 * {@link Write#UPSERT_ROW}
	 * @param state the row's new state
	 * @param superseded whether the change lost everywhere: nothing to write, the state unchanged
	 */
	record Merge(Write write, Map<String, @Nullable Object> values, RowState state, boolean superseded) {
	}

	/**
	 * Merges a change received from the cluster.
	 * @param current the row's state, {@code null} when the node keeps none (it then holds the row's values, if any,
	 * at ZERO)
	 * @param change a versioned change of the row
	 * @param live reads the row from the table when needed
	 * @return the write and the new state
	 */
	static Merge merge(@Nullable RowState current, ChangeEvent change, LiveRow live) {
		Version version = change.version();
		if (current == null && change.operation() == Operation.INSERT) {
			// Every column at a real version: it beats whatever the table holds, if anything.
			return new Merge(Write.UPSERT_ROW, change.row(), new RowState(RowVersions.all(version), null), false);
		}
		Before before = new Before(current, live);
		boolean existed = (current != null) ? !current.deleted() : before.values() != null;
		boolean known = current != null || existed;
		RowVersions versions = (current != null) ? current.versions().copy() : RowVersions.all(Version.ZERO);
		Map<String, @Nullable Object> winners = new LinkedHashMap<>();
		if (change.operation() != Operation.DELETE) {
			for (Map.Entry<String, @Nullable Object> column : change.row().entrySet()) {
				Version offered = change.changed(column.getKey()) ? version : Version.ZERO;
				if (!known || wins(column.getKey(), column.getValue(), offered, versions, before)) {
					winners.put(column.getKey(), column.getValue());
					versions.set(column.getKey(), offered);
				}
			}
			versions.compact(change.row().keySet());
		}
		Version previousTombstone = versions.tombstone();
		Version tombstone = previousTombstone;
		if (change.operation() == Operation.DELETE) {
			tombstone = (tombstone != null) ? Version.max(tombstone, version) : version;
		}
		boolean exists = tombstone == null || versions.newest().isAfter(tombstone);
		if (exists) {
			versions.tombstone(null);
			boolean unchanged = winners.isEmpty() && previousTombstone == null;
			if (existed) {
				return new Merge(unchanged ? Write.NONE : Write.UPDATE_COLUMNS, winners, new RowState(versions, null),
						unchanged);
			}
			Map<String, @Nullable Object> row = new LinkedHashMap<>();
			if (current != null && current.ghost() != null) {
				row.putAll(current.ghost());
			}
			row.putAll(winners);
			return new Merge(Write.UPSERT_ROW, row, new RowState(versions, null), false);
		}
		versions.tombstone(tombstone);
		Map<String, @Nullable Object> ghost = new LinkedHashMap<>();
		Map<String, @Nullable Object> held = before.values();
		if (held != null) {
			ghost.putAll(held);
		}
		ghost.putAll(winners);
		boolean unchanged = winners.isEmpty() && Objects.equals(tombstone, previousTombstone);
		return new Merge(existed ? Write.DELETE_ROW : Write.NONE, Map.of(), new RowState(versions, ghost), unchanged);
	}

	private static boolean wins(String column, @Nullable Object value, Version offered, RowVersions versions,
			Before before) {
		int byVersion = offered.compareTo(versions.of(column));
		if (byVersion != 0) {
			return byVersion > 0;
		}
		if (!offered.isZero()) {
			// The same write, seen again.
			return false;
		}
		Map<String, @Nullable Object> held = before.values();
		if (held == null || !held.containsKey(column)) {
			return true;
		}
		return ValueOrder.INSTANCE.compare(value, held.get(column)) > 0;
	}

	/**
	 * Records a change made on this node, already in its table, with the version it was given.
	 * @param current the row's state, {@code null} when none
	 * @param change the local change, versioned
	 * @return the row's new state
	 */
	static RowState recordLocal(@Nullable RowState current, ChangeEvent change) {
		Version version = change.version();
		RowVersions versions = (current != null) ? current.versions().copy() : RowVersions.all(Version.ZERO);
		switch (change.operation()) {
			case INSERT -> versions.setAll(version);
			case UPDATE -> {
				if (change.changedColumns() == null) {
					versions.setAll(version);
				}
				else {
					change.changedColumns().forEach((column) -> versions.set(column, version));
					versions.compact(change.row().keySet());
				}
			}
			case DELETE -> {
				// A local version is newer than everything this node has seen, so its delete wins here.
				versions.tombstone(version);
				return new RowState(versions, change.row());
			}
		}
		versions.tombstone(null);
		return new RowState(versions, null);
	}

	/** The values the row holds before the merge: the ghost of a deleted row, else the table's row, read once. */
	private static final class Before {

		private final @Nullable RowState current;

		private final LiveRow live;

		private boolean read;

		private @Nullable Map<String, @Nullable Object> values;

		Before(@Nullable RowState current, LiveRow live) {
			this.current = current;
			this.live = live;
		}

		@Nullable Map<String, @Nullable Object> values() {
			if (this.current != null && this.current.deleted()) {
				return this.current.ghost();
			}
			if (!this.read) {
				this.values = this.live.read();
				this.read = true;
			}
			return this.values;
		}

	}

}
