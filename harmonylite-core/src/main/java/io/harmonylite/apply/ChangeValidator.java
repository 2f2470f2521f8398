package io.harmonylite.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.KeyCollations;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.schema.TableSchema;
import org.jspecify.annotations.Nullable;

/**
 * Checks a change against the real schema of the local database before any SQL is built for it; table shapes are
 * cached until {@link #refresh()}.
 * <p>
 * Names are matched exactly as SQLite reports them, so a change can only name what the schema has, and the quoted
 * identifiers the applier writes into SQL are always names of real columns of real ordinary tables.
 */
final class ChangeValidator {

	private static final String SQLITE_PREFIX = "sqlite_";

	private final Connection connection;

	private final SchemaReader schemaReader;

	private final @Nullable ChangeCapture selection;

	private final Map<String, TableShape> tables = new HashMap<>();

	private @Nullable Set<String> replicated;

	/**
	 * Creates the validator.
	 * @param connection the applier's connection
	 * @param selection the node's table selection ({@code harmonylite.tables}, {@code harmonylite.ignore-tables}),
	 * which decides the tables a change may write, exactly as it decides the tables that are captured; {@code null}
	 * when every user table is replicated
	 */
	ChangeValidator(Connection connection, @Nullable ChangeCapture selection) {
		this.connection = connection;
		this.schemaReader = new SchemaReader(connection);
		this.selection = selection;
	}

	/**
	 * Forgets every cached table shape, so the next check reads the schema again.
	 */
	void refresh() {
		this.tables.clear();
		this.replicated = null;
	}

	/**
	 * Checks that the change's table, primary key and columns exist in the local schema.
	 * @param event the change
	 * @return why the change does not fit the schema, or {@code null} when it does
	 */
	@Nullable String checkShape(ChangeEvent event) {
		String table = event.table();
		TableShape shape = shape(table);
		if (shape.problem() != null) {
			return shape.problem();
		}
		if (!shape.primaryKey().equals(event.primaryKey())) {
			return "the change's primary key " + event.primaryKey() + " differs from the primary key "
					+ shape.primaryKey() + " of table '" + table + "' on this node; the schemas differ, migrate one side";
		}
		for (String column : event.row().keySet()) {
			if (!shape.columns().contains(column)) {
				if (shape.generated().contains(column)) {
					return "column '" + column + "' of table '" + table + "' is a generated column and cannot be "
							+ "written; the sender's schema differs";
				}
				return "table '" + table + "' has no column named '" + column
						+ "' on this node (names are matched exactly); the schemas differ, migrate one side";
			}
		}
		return null;
	}

	/**
	 * The columns a table has on this node.
	 * @param table the table name
	 * @return its writable columns, or {@code null} when the table cannot take changes
	 */
	@Nullable Set<String> columnsOf(String table) {
		TableShape shape = shape(table);
		return (shape.problem() != null) ? null : Set.copyOf(shape.columns());
	}

	/**
	 * The columns of a table in their order in the table, when changes may write it.
	 * @param table the table
	 * @return the column names, {@code null} when the table cannot be written
	 */
	@Nullable List<String> orderedColumnsOf(String table) {
		TableShape shape = shape(table);
		return (shape.problem() != null) ? null : shape.ordered();
	}

	/**
	 * Checks that the change's values can be stored and its key values identify a row.
	 * @param event the change
	 * @return why a value is impossible, or {@code null} when all are fine
	 */
	@Nullable String checkValues(ChangeEvent event) {
		for (Map.Entry<String, @Nullable Object> entry : event.row().entrySet()) {
			@Nullable String valueProblem = valueProblem(entry.getValue());
			if (valueProblem != null) {
				return "column '" + entry.getKey() + "' of table '" + event.table() + "' " + valueProblem;
			}
		}
		for (String column : event.primaryKey()) {
			if (event.row().get(column) == null) {
				return "primary-key column '" + column + "' of table '" + event.table()
						+ "' is NULL, which identifies no row reliably";
			}
		}
		return null;
	}

	private static @Nullable String valueProblem(@Nullable Object value) {
		if (value == null || value instanceof Long || value instanceof String || value instanceof byte[]) {
			return null;
		}
		if (value instanceof Double d) {
			// SQLite never stores NaN (it becomes NULL), so a NaN cannot come from a real row.
			return d.isNaN() ? "holds a REAL NaN, which SQLite cannot store" : null;
		}
		return "holds a value of type " + value.getClass().getName()
				+ "; only NULL, INTEGER, REAL, TEXT and BLOB values can be applied";
	}

	private TableShape shape(String table) {
		TableShape shape = this.tables.get(table);
		if (shape == null) {
			shape = read(table);
			this.tables.put(table, shape);
		}
		return shape;
	}

	private TableShape read(String table) {
		if (table.regionMatches(true, 0, SQLITE_PREFIX, 0, SQLITE_PREFIX.length())) {
			return TableShape.refused("table '" + table + "' is an SQLite system table and can never be replicated");
		}
		if (table.regionMatches(true, 0, SchemaReader.INTERNAL_PREFIX, 0, SchemaReader.INTERNAL_PREFIX.length())) {
			return TableShape.refused("table '" + table + "' is a HarmonyLite table and can never be replicated");
		}
		Optional<TableSchema> schema = this.schemaReader.table(table);
		if (schema.isEmpty()) {
			return TableShape.refused("no table named '" + table + "' exists in this database (names are matched "
					+ "exactly; views, virtual and shadow tables are not replicated). Create the table on this node, "
					+ "or stop replicating it on the sender");
		}
		if (this.selection != null && !replicatedTables(this.selection).contains(table)) {
			return TableShape.refused("table '" + table + "' is not replicated by this node (it is not selected by "
					+ "harmonylite.tables, or it is listed in harmonylite.ignore-tables), so no change "
					+ "may write it; stop replicating it on the sender, or select it on this node");
		}
		if (schema.get().primaryKey().isEmpty()) {
			return TableShape.refused(
					"table '" + table + "' has no primary key, so its rows cannot be identified; declare one");
		}
		List<String> collations = keyCollations(table);
		if (!collations.isEmpty()) {
			return TableShape.refused("table '" + table + "' has a primary key compared with "
					+ String.join(", ", collations) + ", so this node takes keys that differ in their bytes for one "
					+ "row; it is not replicated: declare the key's columns without a COLLATE clause");
		}
		return new TableShape(null, schema.get().columnNames(), generatedColumns(table), schema.get().primaryKey());
	}

	private Set<String> replicatedTables(ChangeCapture selection) {
		if (this.replicated == null) {
			// The same selection as capture's, so a table is written by apply exactly when its changes are captured.
			this.replicated = selection.capturedTables()
				.stream()
				.map(TableSchema::name)
				.collect(Collectors.toUnmodifiableSet());
		}
		return this.replicated;
	}

	private List<String> keyCollations(String table) {
		try {
			return KeyCollations.of(this.connection, table);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException(
					"Could not read the key collations of table '" + table + "': " + ex.getMessage(), ex);
		}
	}

	private Set<String> generatedColumns(String table) {
		// hidden 2 and 3 are VIRTUAL and STORED generated columns; SchemaReader leaves them out.
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT name FROM pragma_table_xinfo(?) WHERE hidden IN (2, 3)")) {
			statement.setString(1, table);
			Set<String> names = new HashSet<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					names.add(rows.getString(1));
				}
			}
			return Set.copyOf(names);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException(
					"Could not read the generated columns of table '" + table + "': " + ex.getMessage(), ex);
		}
	}

	/** A table as far as applying needs it; {@code problem} says why no change may target it, if so. */
	private record TableShape(@Nullable String problem, List<String> ordered, Set<String> columns,
			Set<String> generated, List<String> primaryKey) {

		TableShape(@Nullable String problem, List<String> ordered, Set<String> generated, List<String> primaryKey) {
			this(problem, List.copyOf(ordered), Set.copyOf(ordered), generated, primaryKey);
		}

		static TableShape refused(String problem) {
			return new TableShape(problem, List.of(), Set.of(), List.of());
		}

	}

}
