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
	 * Captures every row of a table that capture covers for the first time, as inserts.
	 * @param layout the table's layout
	 * @return the rows captured
	 * @throws SQLException if the database fails
	 */
	int rowsOfNewTable(CaptureLayout layout) throws SQLException {
		return capture(layout, Operation.INSERT, "", List.of(), new long[0]);
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
		long[] masks = new long[ChangeCapture.maskWords(current.columns().size())];
		List<String> conditions = new ArrayList<>();
		List<@Nullable Object> defaults = new ArrayList<>();
		for (int i = 0; i < current.columns().size(); i++) {
			String column = current.columns().get(i);
			if (!previous.columns().contains(column)) {
				masks[i / ChangeCapture.MASK_BITS] |= 1L << (i % ChangeCapture.MASK_BITS);
				conditions.add(SqlIdentifiers.quote(column) + " IS NOT ?");
				defaults.add(defaultValue(current.table(), column));
			}
		}
		if (conditions.isEmpty()) {
			return 0;
		}
		return capture(current, Operation.UPDATE, String.join(" OR ", conditions), defaults, masks);
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

	private int capture(CaptureLayout layout, Operation operation, String condition, List<@Nullable Object> values,
			long[] masks) throws SQLException {
		String keys = layout.primaryKey().stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
		String select = "SELECT " + keys + " FROM " + SqlIdentifiers.quote(layout.table())
				+ (condition.isEmpty() ? "" : " WHERE " + condition);
		int captured = 0;
		try (PreparedStatement rows = this.connection.prepareStatement(select);
				PreparedStatement insert = this.connection
					.prepareStatement(CaptureTriggers.captureExistingRow(layout, operation))) {
			for (int i = 0; i < values.size(); i++) {
				rows.setObject(i + 1, values.get(i));
			}
			try (ResultSet keyValues = rows.executeQuery()) {
				while (keyValues.next()) {
					int index = 1;
					for (long mask : masks) {
						insert.setLong(index++, mask);
					}
					for (int k = 1; k <= layout.primaryKey().size(); k++) {
						insert.setObject(index++, keyValues.getObject(k));
					}
					// One row per statement: each change's version then follows the one captured before it.
					insert.executeUpdate();
					captured++;
				}
			}
		}
		return captured;
	}

}
