package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.harmonylite.event.Operation;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * Generates the capture triggers of one table. They use only core SQL (no extension or application-defined function),
 * so every SQLite that writes the file fires them, also with {@code PRAGMA trusted_schema=OFF}.
 */
final class CaptureTriggers {

	/** Epoch milliseconds from built-in functions only ({@code unixepoch('subsec')} needs SQLite 3.42). */
	static final String TIMESTAMP_MILLIS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

	private static final String CHANGE_LOG = SqlIdentifiers.quote(ChangeCapture.CHANGE_LOG_TABLE);

	/**
	 * The change's version: this writer's clock in the high bits, and never below the node's clock (the highest
	 * version it recorded or applied) or this node's previous change (the change log's last row, which is never
	 * deleted) plus one. Every writer computes it with core SQL; the recorder makes it final (bounding a writer's
	 * clock that is far ahead) before it is published.
	 */
	static final String VERSION = "max(" + TIMESTAMP_MILLIS + " * 65536, " + ClockTable.valueExpression() + " + 1, "
			+ "coalesce((SELECT ver FROM " + CHANGE_LOG + " ORDER BY id DESC LIMIT 1), 0) + 1)";

	private CaptureTriggers() {
	}

	/**
	 * The trigger name for one table and operation, e.g. {@code __harmonylite__books__insert}.
	 */
	static String name(String table, Operation operation) {
		return SchemaReader.INTERNAL_PREFIX + table + "__" + operation.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Whether a trigger name has the shape of a capture trigger.
	 */
	static boolean isCaptureTrigger(String name) {
		return capturedTable(name) != null;
	}

	/**
	 * The table a capture trigger was made for, read from its name (which SQLite keeps when the table is renamed).
	 * @param name a trigger's name
	 * @return the table's name when the trigger was made, or {@code null} if the name is not a capture trigger's
	 */
	static @Nullable String capturedTable(String name) {
		if (!name.startsWith(SchemaReader.INTERNAL_PREFIX)) {
			return null;
		}
		for (Operation operation : Operation.values()) {
			String suffix = "__" + operation.name().toLowerCase(Locale.ROOT);
			if (name.endsWith(suffix) && name.length() > SchemaReader.INTERNAL_PREFIX.length() + suffix.length()) {
				return name.substring(SchemaReader.INTERNAL_PREFIX.length(), name.length() - suffix.length());
			}
		}
		return null;
	}

	/**
	 * Reads the capture triggers in a database file that are on user tables.
	 * @param connection a connection to the database
	 * @param found told each trigger's name, SQL and table
	 * @throws SQLException if the schema cannot be read
	 */
	static void readExisting(Connection connection, Found found) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT name, sql, tbl_name FROM sqlite_schema WHERE type = 'trigger' AND substr(name, 1, ?) = ?")) {
			statement.setInt(1, SchemaReader.INTERNAL_PREFIX.length());
			statement.setString(2, SchemaReader.INTERNAL_PREFIX);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					String name = rows.getString(1);
					String table = rows.getString(3);
					if (isCaptureTrigger(name) && !table.startsWith(SchemaReader.INTERNAL_PREFIX)) {
						found.trigger(name, rows.getString(2), table);
					}
				}
			}
		}
	}

	/** Told each capture trigger {@link #readExisting} finds. */
	@FunctionalInterface
	interface Found {

		void trigger(String name, String sql, String table);

	}

	/**
	 * The three triggers of a table, name to {@code CREATE TRIGGER} statement.
	 */
	static Map<String, String> create(CaptureLayout layout) {
		Map<String, String> triggers = new LinkedHashMap<>();
		triggers.put(name(layout.table(), Operation.INSERT), insertTrigger(layout));
		triggers.put(name(layout.table(), Operation.UPDATE), updateTrigger(layout));
		triggers.put(name(layout.table(), Operation.DELETE), deleteTrigger(layout));
		return triggers;
	}

	private static String insertTrigger(CaptureLayout layout) {
		return header(layout, Operation.INSERT) + "INSERT INTO " + CHANGE_LOG + targetColumns(layout, false)
				+ " VALUES (" + fixedValues(layout, Operation.INSERT) + rowValues(layout, "NEW") + "); END";
	}

	private static String updateTrigger(CaptureLayout layout) {
		// An update that changes the key must remove the old key on the replicas before the new row is upserted.
		StringBuilder keyChanged = new StringBuilder();
		for (String column : layout.primaryKey()) {
			if (!keyChanged.isEmpty()) {
				keyChanged.append(" OR ");
			}
			String quoted = SqlIdentifiers.quote(column);
			keyChanged.append(differs("OLD." + quoted, "NEW." + quoted));
		}
		// The new row's mask includes the key columns, which tells the reader that every column is new for that key.
		return header(layout, Operation.UPDATE) + "INSERT INTO " + CHANGE_LOG + targetColumns(layout, false)
				+ " SELECT " + fixedValues(layout, Operation.DELETE) + rowValues(layout, "OLD") + " WHERE " + keyChanged
				+ "; INSERT INTO " + CHANGE_LOG + targetColumns(layout, true) + " VALUES ("
				+ fixedValues(layout, Operation.UPDATE) + masks(layout) + rowValues(layout, "NEW") + "); END";
	}

	private static String deleteTrigger(CaptureLayout layout) {
		return header(layout, Operation.DELETE) + "INSERT INTO " + CHANGE_LOG + targetColumns(layout, false)
				+ " VALUES (" + fixedValues(layout, Operation.DELETE) + rowValues(layout, "OLD") + "); END";
	}

	/** Bit i of mask word w says whether column {@code 64 * w + i} changed, by {@link #differs}. */
	private static String masks(CaptureLayout layout) {
		StringBuilder masks = new StringBuilder();
		List<String> columns = layout.columns();
		for (int word = 0; word < ChangeCapture.maskWords(columns.size()); word++) {
			masks.append(", ");
			int first = word * ChangeCapture.MASK_BITS;
			for (int i = first; i < Math.min(columns.size(), first + ChangeCapture.MASK_BITS); i++) {
				String quoted = SqlIdentifiers.quote(columns.get(i));
				masks.append((i > first) ? " | " : "")
					.append('(')
					.append(differs("OLD." + quoted, "NEW." + quoted))
					.append(" << ")
					.append(i - first)
					.append(')');
			}
		}
		return masks.toString();
	}

	/**
	 * Whether an update changed a stored value, as a condition: the value's bytes or its type differ. A plain
	 * {@code IS NOT} would compare with the column's collation ({@code 'Alice'} equals {@code 'alice'} in a
	 * {@code COLLATE NOCASE} column, {@code 'y  '} equals {@code 'y'} in {@code RTRIM}) and numerically ({@code 1}
	 * equals {@code 1.0} in a column without a type), so such an update would change nothing on the other nodes.
	 * {@code IS NOT} compares NULLs too.
	 * @param old the value before the update
	 * @param updated the value after it
	 * @return the condition
	 */
	static String differs(String old, String updated) {
		return "(" + old + " IS NOT " + updated + " COLLATE BINARY OR typeof(" + old + ") IS NOT typeof(" + updated
				+ "))";
	}

	/**
	 * A statement that captures one existing row as the triggers would have: {@code INSERT INTO} the change log
	 * {@code SELECT} from the table, with the key columns' values bound in key order, preceded by one bound mask word
	 * per {@link ChangeCapture#maskWords} for an update.
	 * @param layout the table's layout
	 * @param operation {@link Operation#INSERT} (the whole row) or {@link Operation#UPDATE} (the masked columns)
	 * @return the statement
	 */
	static String captureExistingRow(CaptureLayout layout, Operation operation) {
		boolean update = operation == Operation.UPDATE;
		StringBuilder masks = new StringBuilder();
		for (int word = 0; update && word < ChangeCapture.maskWords(layout.columns().size()); word++) {
			masks.append(", ?");
		}
		String table = SqlIdentifiers.quote(layout.table());
		StringBuilder key = new StringBuilder();
		for (String column : layout.primaryKey()) {
			key.append(key.isEmpty() ? "" : " AND ").append(table).append('.').append(SqlIdentifiers.quote(column))
				.append(" IS ?");
		}
		return "INSERT INTO " + CHANGE_LOG + targetColumns(layout, update) + " SELECT " + fixedValues(layout, operation)
				+ masks + rowValues(layout, table) + " FROM " + table + " WHERE " + key;
	}

	private static String header(CaptureLayout layout, Operation operation) {
		return "CREATE TRIGGER " + SqlIdentifiers.quote(name(layout.table(), operation)) + " AFTER " + operation.name()
				+ " ON " + SqlIdentifiers.quote(layout.table()) + " FOR EACH ROW WHEN " + ApplyMarker.TRIGGER_CONDITION
				+ " BEGIN ";
	}

	private static String targetColumns(CaptureLayout layout, boolean withMasks) {
		StringBuilder columns = new StringBuilder(" (tbl, op, layout, ts, ver");
		for (int word = 0; withMasks && word < ChangeCapture.maskWords(layout.columns().size()); word++) {
			columns.append(", m").append(word);
		}
		for (int i = 0; i < layout.columns().size(); i++) {
			columns.append(", c").append(i);
		}
		return columns.append(')').toString();
	}

	private static String fixedValues(CaptureLayout layout, Operation operation) {
		return SqlIdentifiers.literal(layout.table()) + ", " + operation.code() + ", " + layout.id() + ", "
				+ TIMESTAMP_MILLIS + ", " + VERSION;
	}

	private static String rowValues(CaptureLayout layout, String row) {
		StringBuilder values = new StringBuilder();
		for (String column : layout.columns()) {
			values.append(", ").append(row).append('.').append(SqlIdentifiers.quote(column));
		}
		return values.toString();
	}

}
