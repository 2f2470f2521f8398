package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.harmonylite.event.Operation;
import io.harmonylite.event.SqlValues;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * Captures the rows written in the moment between a schema change made while the node runs and the regeneration of
 * capture that follows it (about a second: the schema check's interval). Writes into a table the change created fired
 * no trigger, and writes of the columns it added were captured by the old triggers without those columns; both would
 * stay on this node only. Run inside the regeneration's write transaction, once the new triggers exist, so that no
 * write falls between the two.
 */
final class CaptureCatchUp {

	private final Connection connection;

	CaptureCatchUp(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Captures the rows of a table that capture covers anew, as inserts: each row but those this node knows the
	 * cluster holds (a table rebuilt under its name keeps them; sent again with new versions, this node's values would
	 * win over newer ones it has not applied yet).
	 * @param layout the table's layout
	 * @param known the rows this node knows the cluster holds
	 * @return the rows captured, and those left out as known
	 * @throws SQLException if the database fails
	 */
	Caught rowsOfNewTable(CaptureLayout layout, RecordedRows known) throws SQLException {
		try (RecordedRows.Lookup lookup = known.of(this.connection, layout.table())) {
			return capture(layout, Operation.INSERT, "", List.of(), new long[0], lookup);
		}
	}

	/**
	 * Captures the rows whose added columns hold something else than those columns' defaults, as updates of the
	 * added columns (with the whole row, as every update).
	 * @param previous the layout before the change
	 * @param current the layout after it, with the same key and every column of {@code previous}
	 * @return the rows captured
	 * @throws SQLException if the database fails
	 */
	int addedColumns(CaptureLayout previous, CaptureLayout current) throws SQLException {
		Added added = added(previous, current);
		if (added.conditions().isEmpty()) {
			return 0;
		}
		return capture(current, Operation.UPDATE, String.join(" OR ", added.conditions()), added.defaults(),
				added.masks(), RecordedRows.Lookup.NONE)
			.captured();
	}

	/**
	 * Counts the rows whose added columns hold something else than those columns' defaults, capturing nothing; stops
	 * counting past a bound, since the install's write lock is held meanwhile.
	 * @param previous the layout before the change
	 * @param current the layout after it, with the same key and every column of {@code previous}
	 * @param bound the most rows counted
	 * @return the rows, at most {@code bound + 1}
	 * @throws SQLException if the database fails
	 */
	int rowsWithAddedValues(CaptureLayout previous, CaptureLayout current, int bound) throws SQLException {
		Added added = added(previous, current);
		if (added.conditions().isEmpty()) {
			return 0;
		}
		try (PreparedStatement count = this.connection.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM "
				+ SqlIdentifiers.quote(current.table()) + " WHERE " + String.join(" OR ", added.conditions())
				+ " LIMIT ?)")) {
			for (int i = 0; i < added.defaults().size(); i++) {
				count.setObject(i + 1, added.defaults().get(i));
			}
			count.setInt(added.defaults().size() + 1, bound + 1);
			try (ResultSet rows = count.executeQuery()) {
				return rows.next() ? rows.getInt(1) : 0;
			}
		}
	}

	private Added added(CaptureLayout previous, CaptureLayout current) throws SQLException {
		long[] masks = new long[ChangeCapture.maskWords(current.columns().size())];
		List<String> conditions = new ArrayList<>();
		List<@Nullable Object> defaults = new ArrayList<>();
		for (int i = 0; i < current.columns().size(); i++) {
			String column = current.columns().get(i);
			if (!previous.columns().contains(column)) {
				masks[i / ChangeCapture.MASK_BITS] |= 1L << (i % ChangeCapture.MASK_BITS);
				// In bytes, not by the column's collation (a NOCASE 'X' is not a default 'x'); numerically, since the
				// stored default took the column's affinity and the constant read here did not.
				conditions.add(SqlIdentifiers.quote(column) + " IS NOT ? COLLATE BINARY");
				defaults.add(defaultValue(current.table(), column));
			}
		}
		return new Added(conditions, defaults, masks);
	}

	/** The conditions telling a row whose added columns hold other values than their defaults, with the defaults. */
	private record Added(List<String> conditions, List<@Nullable Object> defaults, long[] masks) {
	}

	/** The value a column added by {@code ALTER TABLE ... ADD COLUMN} holds in existing rows (a constant). */
	private @Nullable Object defaultValue(String table, String column) throws SQLException {
		String expression;
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT dflt_value FROM pragma_table_info(?) WHERE name = ?")) {
			statement.setString(1, table);
			statement.setString(2, column);
			try (ResultSet rows = statement.executeQuery()) {
				expression = rows.next() ? rows.getString(1) : null;
			}
		}
		if (expression == null) {
			return null;
		}
		// The table's own DEFAULT clause, as SQLite stored it: a constant for an added column.
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT (" + expression + ")")) {
			return rows.next() ? rows.getObject(1) : null;
		}
	}

	private Caught capture(CaptureLayout layout, Operation operation, String condition, List<@Nullable Object> values,
			long[] masks, RecordedRows.Lookup known) throws SQLException {
		String keys = layout.primaryKey().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
		String select = "SELECT " + keys + " FROM " + SqlIdentifiers.quote(layout.table())
				+ (condition.isEmpty() ? "" : " WHERE " + condition);
		int captured = 0;
		int left = 0;
		try (PreparedStatement rows = this.connection.prepareStatement(select);
				PreparedStatement insert = this.connection
					.prepareStatement(CaptureTriggers.captureExistingRow(layout, operation))) {
			for (int i = 0; i < values.size(); i++) {
				rows.setObject(i + 1, values.get(i));
			}
			try (ResultSet keyValues = rows.executeQuery()) {
				while (keyValues.next()) {
					List<@Nullable Object> key = new ArrayList<>(layout.primaryKey().size());
					for (int k = 1; k <= layout.primaryKey().size(); k++) {
						key.add(SqlValues.normalize(layout.primaryKey().get(k - 1), keyValues.getObject(k)));
					}
					if (known.known(key)) {
						left++;
						continue;
					}
					int index = 1;
					for (long mask : masks) {
						insert.setLong(index++, mask);
					}
					for (Object value : key) {
						insert.setObject(index++, value);
					}
					// One row per statement: each change's version then follows the one captured before it.
					insert.executeUpdate();
					captured++;
				}
			}
		}
		return new Caught(captured, left);
	}

	/**
	 * What a catch-up did.
	 * @param captured the rows captured
	 * @param known the rows left out, as this node knows the cluster holds them
	 */
	record Caught(int captured, int known) {
	}

}
