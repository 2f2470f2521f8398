package io.harmonylite.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import io.harmonylite.schema.ColumnRenames;
import io.harmonylite.schema.ColumnSchema;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqlIdentifiers;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and removes change capture: the change-log tables and the AFTER INSERT/UPDATE/DELETE triggers of every
 * watched table.
 * <p>
 * All watched tables share one change log, {@value #CHANGE_LOG_TABLE}, and each captured row change costs one insert
 * into it. A trigger writes the row's values into the untyped columns {@code c0..ck} in the order of its table's
 * layout (a row of {@value #LAYOUT_TABLE}); when a table's columns change, {@link #install()} records a new layout and
 * regenerates the table's triggers, and rows captured before still decode with their old layout.
 * <p>
 * Installing, removing the triggers and uninstalling each run in one transaction on the capture connection, one at a
 * time: a migration's thread may remove the triggers while the schema check installs them.
 *
 * @since 0.1.0
 */
public final class ChangeCapture {

	/** The shared change log; its id column is the global capture order. */
	public static final String CHANGE_LOG_TABLE = SchemaReader.INTERNAL_PREFIX + "change_log";

	/** The column layouts the triggers write into the change log. */
	public static final String LAYOUT_TABLE = SchemaReader.INTERNAL_PREFIX + "capture_layout";

	/** Key/value settings of the capture, e.g. {@value #CAPTURE_EPOCH_KEY}. */
	public static final String META_TABLE = SchemaReader.INTERNAL_PREFIX + "meta";

	/** The meta key of the random capture epoch, created at install and kept until uninstall. */
	public static final String CAPTURE_EPOCH_KEY = "capture_epoch";

	static final String SCHEMA_VERSION_KEY = "capture_schema_version";

	/**
	 * The meta key that says HarmonyLite removed the capture triggers on purpose (for a migration), until capture is
	 * installed again: a database left with no capture trigger at all is otherwise one whose last captured table was
	 * dropped or rebuilt under its name by another process, and the rows written to it since must be caught up.
	 */
	static final String TRIGGERS_REMOVED_KEY = "triggers_removed_at";

	static final int SCHEMA_VERSION = 2;

	/** How many columns' changed bits one mask column of the change log holds. */
	static final int MASK_BITS = 64;

	/** The most columns SQLite lets a table have (its default {@code SQLITE_MAX_COLUMN}). */
	static final int SQLITE_MAX_COLUMN = 2000;

	/** The change log's columns besides the value and mask columns: id, tbl, op, layout, ts, state, ver. */
	static final int CHANGE_LOG_OWN_COLUMNS = 7;

	private static final String SCHEMA_RESOURCE = "capture-schema-v2.sql";

	private static final String TABLES_PROPERTY = "harmonylite.tables";

	/** The most rows of a backfill counted for its WARN (the count holds the install's write lock). */
	private static final int BACKFILL_ROWS_COUNTED = 1000;

	private static final Logger logger = LoggerFactory.getLogger(ChangeCapture.class);

	private final Connection connection;

	private final List<String> tables;

	private final List<String> ignoreTables;

	private final RenamedColumnsListener renamedColumns;

	private final RecordedRows recordedRows;

	/** The user triggers warned of, once each. */
	private final Set<String> triggersWarnedOf = new HashSet<>();

	/** Whether installs warn of tables' keys and triggers. */
	private boolean tableWarnings = true;

	/**
	 * Creates a capture installer working on the given connection.
	 * @param connection a read-write connection to the database, in auto-commit mode
	 * @param tables the tables to watch; empty means every user table
	 * @param ignoreTables tables never watched
	 */
	public ChangeCapture(Connection connection, List<String> tables, List<String> ignoreTables) {
		this(connection, tables, ignoreTables, RenamedColumnsListener.NONE, RecordedRows.NONE);
	}

	/**
	 * Creates a capture installer that tells a listener about renamed columns.
	 * @param connection a read-write connection to the database, in auto-commit mode
	 * @param tables the tables to watch; empty means every user table
	 * @param ignoreTables tables never watched
	 * @param renamedColumns told which columns of a captured table a migration renamed, in the same transaction
	 * @param recordedRows the rows this node knows the cluster holds, which a table captured anew does not send again
	 */
	public ChangeCapture(Connection connection, List<String> tables, List<String> ignoreTables,
			RenamedColumnsListener renamedColumns, RecordedRows recordedRows) {
		this.connection = connection;
		this.tables = List.copyOf(tables);
		this.ignoreTables = List.copyOf(ignoreTables);
		this.renamedColumns = renamedColumns;
		this.recordedRows = recordedRows;
	}

	/**
	 * Leaves the WARNs about tables' keys and user triggers to the next install, e.g. the engine's start that follows
	 * an install after a migration at startup, so that each is logged once per start.
	 * @return this capture
	 */
	public ChangeCapture withoutTableWarnings() {
		this.tableWarnings = false;
		return this;
	}

	/**
	 * Creates the change-log tables and the triggers of every watched table, in one transaction; safe to run again
	 * (restart, schema change): it regenerates the triggers of tables whose columns changed, drops the triggers of
	 * tables no longer watched, and keeps pending changes.
	 * @return the watched tables
	 * @throws UnsupportedTableException if a watched table has no primary key
	 * @throws ConfigException if a configured table does not exist or cannot be watched
	 */
	public List<TableSchema> install() {
		return install(null).tables();
	}

	/**
	 * Installs capture as {@link #install()} does, for a node that runs already: a table that cannot be watched
	 * after a schema change (no primary key, or a configured table that no longer exists) is left out and named,
	 * instead of failing the install of every other table.
	 * @return the watched tables and why others were left out
	 */
	public Installed reinstall() {
		return install(new ArrayList<>());
	}

	private synchronized Installed install(@Nullable List<String> leftOut) {
		try {
			List<TableSchema> tables = Transactions.immediate(this.connection, () -> installInTransaction(leftOut));
			return new Installed(tables, (leftOut != null) ? leftOut : List.of());
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not install change capture: " + ex.getMessage() + ". "
					+ SqliteConnections.advice(ex), ex);
		}
	}

	private List<TableSchema> installInTransaction(@Nullable List<String> leftOut) throws SQLException {
		ApplyMarker.install(this.connection);
		ClockTable.install(this.connection);
		for (String ddl : schemaStatements()) {
			execute(ddl);
		}
		initializeMeta();
		if (leftOut == null) {
			WentBackMarker.renewEpochIfMarked(this.connection, newEpoch());
		}
		List<TableSchema> watched = resolveWatchedTables(leftOut, true);
		int width = watched.stream().mapToInt((table) -> table.columns().size()).max().orElse(0);
		ensureChangeLogColumns(width);
		long now = System.currentTimeMillis();
		FoundTriggers found = existingCaptureTriggers();
		Map<String, String> renamed = found.renamed();
		Map<String, String> existing = found.byName();
		Set<String> capturedTables = found.tables();
		Map<String, String> desired = new LinkedHashMap<>();
		List<LayoutChange> changes = new ArrayList<>();
		for (TableSchema table : watched) {
			Optional<CaptureLayout> previous = CaptureLayouts.latest(this.connection, table.name());
			CaptureLayout layout = layoutFor(table, previous, now);
			Map<String, String> triggers = CaptureTriggers.create(layout);
			desired.putAll(triggers);
			if (capturedTables.contains(table.name()) && !renamed.containsValue(table.name())
					&& previous.map((before) -> before.id() == layout.id()).orElse(false)) {
				warnIfTriggersWentMissing(table.name(), triggers.keySet(), existing.keySet());
			}
			changes.add(new LayoutChange(previous.orElse(null), layout, capturedTables.contains(table.name())));
			if (this.tableWarnings && (leftOut == null || !capturedTables.contains(table.name())
					|| previous.map((before) -> before.id() != layout.id()).orElse(true))) {
				warnIfKeyAcceptsNull(table);
				warnIfSqlitePicksKeys(table.name());
			}
		}
		if (this.tableWarnings) {
			warnOfUnguardedWritingTriggers(watched);
		}
		sendPendingChangesUnderNewNames(renamed, watched);
		int dropped = 0;
		for (Map.Entry<String, String> trigger : existing.entrySet()) {
			if (!trigger.getValue().equals(desired.get(trigger.getKey()))) {
				execute("DROP TRIGGER " + SqlIdentifiers.quote(trigger.getKey()));
				dropped++;
			}
		}
		int created = 0;
		for (Map.Entry<String, String> trigger : desired.entrySet()) {
			if (!trigger.getValue().equals(existing.get(trigger.getKey()))) {
				execute(trigger.getValue());
				created++;
			}
		}
		if (created + dropped > 0) {
			logger.info("Change capture installed on {} table(s): {} trigger(s) created, {} dropped", watched.size(),
					created, dropped);
		}
		else {
			logger.debug("Change capture verified on {} table(s)", watched.size());
		}
		boolean removedOnPurpose = MetaKeys.remove(this.connection, TRIGGERS_REMOVED_KEY);
		// No trigger at all: HarmonyLite removed them for a migration (made on every node: nothing to catch up), this
		// is the first install (rows from before capture may be a stale copy), or the database's last captured table
		// was dropped or rebuilt under its name by another process (its new rows are caught up like any table's).
		if (!capturedTables.isEmpty()
				|| (!removedOnPurpose && changes.stream().anyMatch((change) -> change.previous() != null))) {
			catchUp(changes, leftOut != null);
		}
		else if (removedOnPurpose) {
			warnOfBackfills(changes);
		}
		tellRenamedColumns(changes);
		return watched;
	}

	/**
	 * The pending changes that the triggers of a renamed table recorded under its former name (between the rename and
	 * now, or before the rename while they were not sent yet) are changes of the table under its new name: they keep
	 * being sent as such once these triggers are made anew under that name (see {@link RenamedCaptures}).
	 */
	private void sendPendingChangesUnderNewNames(Map<String, String> renamed, List<TableSchema> watched)
			throws SQLException {
		if (renamed.isEmpty()) {
			return;
		}
		Set<String> watchedNames = watched.stream().map(TableSchema::name).collect(Collectors.toSet());
		for (Map.Entry<String, String> rename : renamed.entrySet()) {
			if (!watchedNames.contains(rename.getValue())) {
				continue;
			}
			try (PreparedStatement statement = this.connection.prepareStatement("UPDATE "
					+ SqlIdentifiers.quote(CHANGE_LOG_TABLE) + " SET tbl = ? WHERE tbl = ? AND state = "
					+ ChangeLogReader.PENDING)) {
				statement.setString(1, rename.getValue());
				statement.setString(2, rename.getKey());
				int moved = statement.executeUpdate();
				logger.info("Table '{}' was renamed from '{}' after its capture was made (the last step of a rebuild); "
						+ "its capture is made anew under its new name, and its {} change(s) recorded under the former "
						+ "name and not sent yet are sent as changes of '{}'", rename.getValue(), rename.getKey(), moved,
						rename.getValue());
			}
		}
	}

	/**
	 * Capture triggers of an unchanged table that are gone were dropped outside HarmonyLite (a schema change of the
	 * table regenerates them instead): the writes made since were not captured, and only the operator can redo them.
	 */
	private static void warnIfTriggersWentMissing(String table, Set<String> triggers, Set<String> existing) {
		List<String> missing = triggers.stream().filter((trigger) -> !existing.contains(trigger)).sorted().toList();
		if (!missing.isEmpty()) {
			logger.warn("Table '{}': capture trigger(s) {} were missing (dropped outside HarmonyLite) and are created "
					+ "again; writes made to this table while they were missing were not captured and exist on this "
					+ "node only: write them again (see 'Capture is broken' in docs/operations.md)", table, missing);
		}
	}

	/**
	 * A trigger of the user's on a watched table that writes to a watched table runs for replicated changes too, so its
	 * writes are made on every node for one change: unless it checks the apply marker, say so once.
	 */
	private void warnOfUnguardedWritingTriggers(List<TableSchema> watched) throws SQLException {
		Set<String> tables = watched.stream()
			.map((table) -> table.name().toLowerCase(Locale.ROOT))
			.collect(Collectors.toSet());
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger'");
				ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				String name = rows.getString(1);
				String sql = String.valueOf(rows.getString(3));
				if (name.startsWith(SchemaReader.INTERNAL_PREFIX)
						|| !tables.contains(rows.getString(2).toLowerCase(Locale.ROOT))
						|| sql.toUpperCase(Locale.ROOT).contains(ApplyMarker.TABLE.toUpperCase(Locale.ROOT))) {
					continue;
				}
				List<String> written = TriggerWrites.tables(sql)
					.stream()
					.filter((table) -> tables.contains(table.toLowerCase(Locale.ROOT)))
					.toList();
				if (!written.isEmpty() && this.triggersWarnedOf.add(name)) {
					logger.warn("Trigger '{}' on replicated table '{}' writes to replicated table(s) {}, and runs for "
							+ "the changes applied from other nodes too: each node writes its own copy for one change "
							+ "and the nodes differ. Guard it with WHEN NOT EXISTS (SELECT 1 FROM \"{}\") (\"Your own "
							+ "triggers\" in docs/replication.md)", name, rows.getString(2), written,
							ApplyMarker.TABLE);
				}
			}
		}
	}

	/**
	 * An {@code AUTOINCREMENT} key is picked by SQLite on each node: two nodes inserting at once pick the same one, and
	 * one row then replaces the other on every node.
	 */
	private void warnIfSqlitePicksKeys(String table) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
			statement.setString(1, table);
			try (ResultSet rows = statement.executeQuery()) {
				String sql = rows.next() ? rows.getString(1) : null;
				if (sql != null && sql.toUpperCase(Locale.ROOT).contains("AUTOINCREMENT")) {
					logger.warn("Table '{}': its key is AUTOINCREMENT, picked by SQLite on each node: two nodes that "
							+ "insert at the same time pick the same key, and the later row replaces the other on every "
							+ "node (its client was told it was saved). Unless one node only inserts into it, give it "
							+ "keys that cannot collide, e.g. UUIDs (\"Keys must be unique across nodes\" in "
							+ "docs/replication.md)", table);
				}
			}
		}
	}

	/** SQLite accepts NULL in the key of a rowid table (but for an INTEGER PRIMARY KEY): such rows cannot replicate. */
	private static void warnIfKeyAcceptsNull(TableSchema table) {
		List<ColumnSchema> key = table.columns().stream().filter(ColumnSchema::isPrimaryKey).toList();
		if (table.withoutRowid() || (key.size() == 1 && "INTEGER".equalsIgnoreCase(key.get(0).declaredType()))) {
			return;
		}
		List<String> nullable = key.stream().filter((column) -> !column.notNull()).map(ColumnSchema::name).toList();
		if (!nullable.isEmpty()) {
			logger.warn("Table '{}': primary-key column(s) {} accept NULL (SQLite allows it in a table with rowid); a "
					+ "row whose key holds NULL cannot be told apart on other nodes, so its changes are not replicated "
					+ "but marked failed: declare these columns NOT NULL", table.name(), nullable);
		}
	}

	/**
	 * With capture on, captures what was written between a schema change and this regeneration (while the node ran,
	 * or while it was stopped): the rows of a table without capture triggers until now (at startup only of a table
	 * this file never captured: one captured before and left out for a while, by {@code harmonylite.tables}, holds
	 * rows older than the cluster's), and the values of columns added to a captured table. Nothing is caught up at
	 * the first install (rows from before capture may be a stale copy, see {@code RowsNeverCaptured}) nor after
	 * HarmonyLite removed the triggers for a migration (its writes are made on every node, see
	 * {@code MigrationProtocol}).
	 */
	private void catchUp(List<LayoutChange> changes, boolean running) throws SQLException {
		CaptureCatchUp catchUp = new CaptureCatchUp(this.connection);
		for (LayoutChange change : changes) {
			CaptureLayout previous = change.previous();
			CaptureLayout current = change.current();
			int rows = 0;
			if (!change.capturedBefore() && (running || previous == null)) {
				CaptureCatchUp.Caught caught = catchUp.rowsOfNewTable(current, this.recordedRows);
				rows = caught.captured();
				warnIfKnownRowsLeftOut(current.table(), caught.known());
			}
			else if (change.capturedBefore() && columnsAdded(change)) {
				rows = catchUp.addedColumns(previous, current);
			}
			if (rows > 0 && !change.capturedBefore() && !running) {
				// At startup it cannot be told from a table created while the node was stopped: say what it means.
				logger.warn("Table '{}': captured the {} row(s) it holds, as it had no capture until this start (a "
						+ "table created while the node was stopped, or one just added to the replicated tables): they "
						+ "are sent as new writes and win over other nodes' values of the same keys. If the table held "
						+ "other rows on other nodes, make them identical on every node before adding it ('Adding a "
						+ "table that holds rows' in docs/rolling-upgrades.md)", current.table(), rows);
			}
			else if (rows > 0) {
				logger.info("Table '{}': captured {} row(s) written after its schema change and before its capture "
						+ "was regenerated ({})", current.table(), rows, change.capturedBefore()
								? "the values of its added columns" : "the table had no capture until now");
			}
		}
	}

	/** Whether a layout change only added columns to a table captured before. */
	private static boolean columnsAdded(LayoutChange change) {
		CaptureLayout previous = change.previous();
		CaptureLayout current = change.current();
		return previous != null && previous.id() != current.id() && previous.primaryKey().equals(current.primaryKey())
				&& current.columns().containsAll(previous.columns());
	}

	/**
	 * A migration's data changes are not captured (HarmonyLite removed the triggers for it): values it gave added
	 * columns (a backfill) reach no row that another node writes before it migrates, so say so.
	 */
	private void warnOfBackfills(List<LayoutChange> changes) throws SQLException {
		CaptureCatchUp catchUp = new CaptureCatchUp(this.connection);
		for (LayoutChange change : changes) {
			CaptureLayout previous = change.previous();
			if (previous == null || !columnsAdded(change)) {
				continue;
			}
			int rows = catchUp.rowsWithAddedValues(previous, change.current(), BACKFILL_ROWS_COUNTED);
			if (rows > 0) {
				List<String> added = change.current().columns().stream()
					.filter((column) -> !previous.columns().contains(column))
					.toList();
				logger.warn("Table '{}': the migration gave {} row(s) values other than the default in its added "
						+ "column(s) {} (a backfill). A migration's writes are not replicated: rows that nodes still "
						+ "on the previous version write meanwhile reach this node without them, and the nodes then "
						+ "differ in those columns. Backfill once every node runs the new version, as an ordinary "
						+ "write on every node (\"Write migrations\" in docs/rolling-upgrades.md)", change.current().table(),
						(rows > BACKFILL_ROWS_COUNTED) ? "over " + BACKFILL_ROWS_COUNTED : rows, added);
			}
		}
	}

	/**
	 * Rows of a table captured anew that this node had replicated (a table rebuilt under its name) are not sent again;
	 * a write to one of them between the rebuild and this regeneration was not captured, so say so.
	 */
	private static void warnIfKnownRowsLeftOut(String table, int known) {
		if (known > 0) {
			logger.warn("Table '{}': its capture triggers were gone (the table was rebuilt or re-created under its "
					+ "name); its {} row(s) that this node had replicated before are not sent again, so that they do "
					+ "not win over newer changes made elsewhere. A write made to one of them between the rebuild and "
					+ "now was not captured: write it again if there was one (stop other writers during a rebuild)",
					table, known);
		}
	}

	/**
	 * Resolves the watched tables from the configuration and the current schema, without changing the database.
	 * @return the watched tables
	 * @throws UnsupportedTableException if a watched table has no primary key
	 * @throws ConfigException if a configured table does not exist or cannot be watched
	 */
	public List<TableSchema> watchedTables() {
		try {
			return resolveWatchedTables(null, false);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the watched tables: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The tables a running node captures: as {@link #watchedTables()}, but a table whose shape cannot be captured (no
	 * primary key, a collated key, a name that is not UTF-8) is left out instead of failing, as a running node's
	 * {@link #reinstall()} leaves it out (and reports it). A table of {@code harmonylite.tables} that does not exist
	 * still fails: a database without it, such as a snapshot's copy, lacks a table the node replicates.
	 * @return the captured tables
	 */
	public List<TableSchema> capturedTables() {
		return capturableTables().tables();
	}

	/**
	 * The tables a running node captures, as {@link #capturedTables()}, and why each table it leaves out cannot be
	 * captured, without changing the database.
	 * @return the captured tables and the reasons
	 */
	public Installed capturableTables() {
		List<String> leftOut = new ArrayList<>();
		try {
			return new Installed(resolveWatchedTables(leftOut, false), leftOut);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the watched tables: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Counts the capture triggers present in the database, to check that capture is intact (three per watched table).
	 * @return the number of HarmonyLite triggers
	 */
	public int triggerCount() {
		try {
			return existingCaptureTriggers().byName().size();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not count the capture triggers: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Drops the capture triggers of every table but keeps the change log, its pending changes and the capture epoch;
	 * {@link #install()} puts them back. SQLite refuses {@code ALTER TABLE ... DROP COLUMN} on a column a trigger
	 * uses, so call this before such a migration; writes made until the next install are not captured.
	 * @return how many triggers were dropped
	 */
	public synchronized int removeTriggers() {
		try {
			return Transactions.immediate(this.connection, () -> {
				Map<String, String> triggers = existingCaptureTriggers().byName();
				for (String trigger : triggers.keySet()) {
					execute("DROP TRIGGER " + SqlIdentifiers.quote(trigger));
				}
				if (!triggers.isEmpty()) {
					MetaKeys.put(this.connection, TRIGGERS_REMOVED_KEY, System.currentTimeMillis());
				}
				logger.info("Capture triggers removed: {} trigger(s) dropped", triggers.size());
				return triggers.size();
			});
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not remove the capture triggers: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Removes change capture: drops every HarmonyLite trigger, view, index and table (every object whose name starts
	 * with {@value SchemaReader#INTERNAL_PREFIX}), in one transaction; the user's tables and data stay as they are.
	 * Pending changes are lost.
	 */
	public synchronized void uninstall() {
		try {
			Transactions.immediate(this.connection, () -> {
				List<String> drops = new ArrayList<>();
				try (PreparedStatement statement = this.connection.prepareStatement(
						"SELECT type, name FROM sqlite_schema WHERE substr(name, 1, ?) = ? AND type IN "
								+ "('trigger', 'view', 'index', 'table') ORDER BY CASE type WHEN 'trigger' THEN 0 "
								+ "WHEN 'view' THEN 1 WHEN 'index' THEN 2 ELSE 3 END, name")) {
					statement.setInt(1, SchemaReader.INTERNAL_PREFIX.length());
					statement.setString(2, SchemaReader.INTERNAL_PREFIX);
					try (ResultSet rows = statement.executeQuery()) {
						while (rows.next()) {
							drops.add("DROP " + rows.getString(1).toUpperCase(Locale.ROOT) + " IF EXISTS "
									+ SqlIdentifiers.quote(rows.getString(2)));
						}
					}
				}
				for (String drop : drops) {
					execute(drop);
				}
				if (tableExists("sqlite_sequence")) {
					// AUTOINCREMENT tables leave their counter behind; the table itself cannot be dropped.
					try (PreparedStatement statement = this.connection
						.prepareStatement("DELETE FROM sqlite_sequence WHERE substr(name, 1, ?) = ?")) {
						statement.setInt(1, SchemaReader.INTERNAL_PREFIX.length());
						statement.setString(2, SchemaReader.INTERNAL_PREFIX);
						statement.executeUpdate();
					}
				}
				logger.info("Change capture uninstalled: {} HarmonyLite object(s) dropped", drops.size());
				return null;
			});
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not uninstall change capture: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The watched tables; with {@code leftOut}, a table whose shape cannot be watched is named there instead of
	 * failing, and so is a configured table that does not exist when {@code leaveOutMissing}.
	 */
	private List<TableSchema> resolveWatchedTables(@Nullable List<String> leftOut, boolean leaveOutMissing)
			throws SQLException {
		SchemaReader reader = new SchemaReader(this.connection);
		List<String> userTables = reader.userTables();
		List<String> names = new ArrayList<>();
		if (this.tables.isEmpty()) {
			names.addAll(userTables);
		}
		else {
			for (String configured : this.tables) {
				String name;
				try {
					name = resolveConfigured(configured, userTables);
				}
				catch (ConfigException ex) {
					if (leftOut == null || !leaveOutMissing) {
						throw ex;
					}
					leftOut.add("table '" + configured + "' of " + TABLES_PROPERTY + " no longer exists as a table "
							+ "that can be replicated; create it again, or remove it from " + TABLES_PROPERTY);
					continue;
				}
				if (names.stream().noneMatch((n) -> sameName(n, name))) {
					names.add(name);
				}
			}
		}
		names.removeIf((name) -> this.ignoreTables.stream().anyMatch((ignored) -> sameName(ignored, name)));
		List<String> unreadable = new ArrayList<>();
		for (SchemaReader.UnreadableName name : reader.namesNotUtf8()) {
			if (name.table() == null ? this.tables.isEmpty() : names.remove(name.table())) {
				unreadable.add(name.description() + " has a name that is not valid UTF-8, which HarmonyLite cannot "
						+ "name in SQL unaltered; rename it (ALTER TABLE ... RENAME ...) or drop it");
			}
		}
		if (!unreadable.isEmpty() && leftOut != null) {
			leftOut.addAll(unreadable);
		}
		else if (!unreadable.isEmpty()) {
			throw new UnsupportedTableException(List.of(), "Cannot capture changes: " + String.join("; ", unreadable)
					+ ".");
		}
		List<TableSchema> watched = new ArrayList<>();
		List<String> withoutKey = new ArrayList<>();
		// Tables whose shape cannot be captured, and why each.
		List<String> refused = new ArrayList<>();
		List<String> refusals = new ArrayList<>();
		for (String name : names) {
			TableSchema table = reader.table(name)
				.orElseThrow(() -> new HarmonyLiteException("Table '" + name + "' disappeared while capture was installed"));
			List<String> keyCollations = KeyCollations.of(this.connection, name);
			if (table.primaryKey().isEmpty()) {
				withoutKey.add(name);
			}
			else if (table.columns().size() > WIDEST_TABLE) {
				refused.add(name);
				refusals.add("table '" + name + "' has " + table.columns().size() + " columns, more than the "
						+ WIDEST_TABLE + " a table can have to be captured (the change log holds a column per column of "
						+ "the widest watched table, plus its own, and SQLite allows " + SQLITE_MAX_COLUMN + "); split "
						+ "it, or list it in harmonylite.ignore-tables");
			}
			else if (!keyCollations.isEmpty()) {
				refused.add(name);
				refusals.add("table '" + name + "' has a primary key compared with " + String.join(", ", keyCollations)
						+ ": SQLite then takes keys that differ in their bytes for one row, while other nodes tell "
						+ "them apart, so concurrent writes of such keys would swap values and never converge; "
						+ "declare the key's columns without a COLLATE clause (BINARY), or list it in "
						+ "harmonylite.ignore-tables");
			}
			else {
				watched.add(table);
			}
		}
		if (!refused.isEmpty() && leftOut != null) {
			leftOut.addAll(refusals);
		}
		else if (!refused.isEmpty()) {
			throw new UnsupportedTableException(refused, "Cannot capture changes: " + String.join("; ", refusals) + ".");
		}
		if (!withoutKey.isEmpty() && leftOut != null) {
			withoutKey.forEach((name) -> leftOut.add("table '" + name + "' has no primary key to identify its rows on "
					+ "other nodes; add a PRIMARY KEY to it, or list it in harmonylite.ignore-tables"));
		}
		else if (!withoutKey.isEmpty()) {
			throw new UnsupportedTableException(withoutKey, "Cannot capture changes of "
					+ (withoutKey.size() == 1 ? "table " : "tables ") + quotedList(withoutKey)
					+ ": a replicated table needs a primary key to identify its rows on other nodes. "
					+ "Add a PRIMARY KEY to " + (withoutKey.size() == 1 ? "it" : "each")
					+ ", or list it in harmonylite.ignore-tables.");
		}
		return watched;
	}

	private String resolveConfigured(String configured, List<String> userTables) throws SQLException {
		if (userTables.contains(configured)) {
			return configured;
		}
		// SQLite matches table names case-insensitively (ASCII letters only).
		for (String table : userTables) {
			if (sameName(table, configured)) {
				return table;
			}
		}
		Optional<String> kind = schemaObjectType(configured);
		if (kind.isPresent()) {
			throw new ConfigException(TABLES_PROPERTY,
					"'" + configured + "' is a " + kind.get() + " that cannot be replicated (only ordinary tables can: "
							+ "no virtual tables, their shadow tables, views, sqlite_* or " + SchemaReader.INTERNAL_PREFIX
							+ "* tables). Remove it from " + TABLES_PROPERTY + ".");
		}
		throw new ConfigException(TABLES_PROPERTY, "table '" + configured + "' does not exist (existing tables: "
				+ (userTables.isEmpty() ? "none" : quotedList(userTables.subList(0, Math.min(20, userTables.size()))))
				+ (userTables.size() > 20 ? ", ..." : "")
				+ "). Fix the name, or create the table before HarmonyLite starts.");
	}

	private Optional<String> schemaObjectType(String name) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT type FROM pragma_table_list WHERE schema = 'main' AND name = ? COLLATE NOCASE")) {
			statement.setString(1, name);
			try (ResultSet rows = statement.executeQuery()) {
				if (!rows.next()) {
					return Optional.empty();
				}
				return Optional.of(switch (rows.getString(1)) {
					case "view" -> "view";
					case "table" -> "internal table";
					default -> rows.getString(1) + " table";
				});
			}
		}
	}

	private static boolean sameName(String a, String b) {
		if (a.length() != b.length()) {
			return false;
		}
		for (int i = 0; i < a.length(); i++) {
			char x = a.charAt(i);
			char y = b.charAt(i);
			if (x != y && (x >= 128 || y >= 128 || Character.toLowerCase(x) != Character.toLowerCase(y))) {
				return false;
			}
		}
		return true;
	}

	private static String quotedList(List<String> names) {
		return names.stream().map((name) -> "'" + name + "'").collect(Collectors.joining(", "));
	}

	private void initializeMeta() throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement(
				"INSERT INTO " + SqlIdentifiers.quote(META_TABLE) + " (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
			statement.setString(1, CAPTURE_EPOCH_KEY);
			statement.setLong(2, newEpoch());
			statement.executeUpdate();
		}
		try (PreparedStatement statement = this.connection.prepareStatement("INSERT INTO "
				+ SqlIdentifiers.quote(META_TABLE) + " (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
				+ "value = excluded.value WHERE value < excluded.value")) {
			statement.setString(1, SCHEMA_VERSION_KEY);
			statement.setLong(2, SCHEMA_VERSION);
			statement.executeUpdate();
		}
	}

	private static long newEpoch() {
		SecureRandom random = new SecureRandom();
		long epoch;
		do {
			epoch = random.nextLong();
		}
		while (epoch == 0);
		return epoch;
	}

	/**
	 * Adds what the change log lacks: the version and mask columns of schema 2 (a change log of schema 1 is migrated
	 * in place), and value and mask columns for the widest watched table.
	 */
	private void ensureChangeLogColumns(int width) throws SQLException {
		List<String> existing = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
			statement.setString(1, CHANGE_LOG_TABLE);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					existing.add(rows.getString(1));
				}
			}
		}
		List<String> added = new ArrayList<>();
		addColumnIfMissing(existing, "ver INTEGER", added);
		for (int i = 0; i < Math.max(1, maskWords(width)); i++) {
			addColumnIfMissing(existing, "m" + i + " INTEGER", added);
		}
		for (int i = 0; i < width; i++) {
			// No declared type: the column has no affinity, so every value keeps its exact storage class.
			addColumnIfMissing(existing, "c" + i, added);
		}
		if (!added.isEmpty()) {
			logger.debug("Change log columns added: {}", added);
		}
	}

	private void addColumnIfMissing(List<String> existing, String definition, List<String> added) throws SQLException {
		String name = definition.split(" ")[0];
		if (!existing.contains(name)) {
			execute("ALTER TABLE " + SqlIdentifiers.quote(CHANGE_LOG_TABLE) + " ADD COLUMN " + definition);
			added.add(name);
		}
	}

	/**
	 * The most columns a captured table may have: the change log's own columns, one value column per column of the
	 * widest watched table and its mask columns must fit in {@value #SQLITE_MAX_COLUMN}.
	 */
	static final int WIDEST_TABLE = widestTable();

	private static int widestTable() {
		int width = SQLITE_MAX_COLUMN - CHANGE_LOG_OWN_COLUMNS;
		while (width + Math.max(1, maskWords(width)) > SQLITE_MAX_COLUMN - CHANGE_LOG_OWN_COLUMNS) {
			width--;
		}
		return width;
	}

	/**
	 * How many mask columns a table of the given width needs.
	 * @param columns the table's number of columns
	 * @return {@code ceil(columns / 64)}
	 */
	static int maskWords(int columns) {
		return (columns + MASK_BITS - 1) / MASK_BITS;
	}

	private CaptureLayout layoutFor(TableSchema table, Optional<CaptureLayout> latest, long now) throws SQLException {
		List<String> columns = table.columnNames();
		List<String> primaryKey = table.primaryKey();
		if (latest.isPresent() && latest.get().sameShape(columns, primaryKey)) {
			return latest.get();
		}
		CaptureLayout layout = CaptureLayouts.insert(this.connection, table.name(), columns, primaryKey, now);
		if (latest.isPresent()) {
			logger.info("Columns of table '{}' changed; capture now uses layout {} ({} columns)", table.name(),
					layout.id(), columns.size());
		}
		return layout;
	}

	/** The capture triggers in the file, name to SQL, the tables they are on, and the renames they tell. */
	private FoundTriggers existingCaptureTriggers() throws SQLException {
		Map<String, String> triggers = new HashMap<>();
		Set<String> tables = new HashSet<>();
		Map<String, String> renamed = new HashMap<>();
		CaptureTriggers.readExisting(this.connection, (name, sql, table) -> {
			triggers.put(name, sql);
			tables.add(table);
			RenamedCaptures.put(renamed, name, table);
		});
		return new FoundTriggers(triggers, tables, renamed);
	}

	private boolean tableExists(String table) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
			statement.setString(1, table);
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next();
			}
		}
	}

	private void execute(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
		}
	}

	static List<String> schemaStatements() {
		String script;
		try (InputStream in = ChangeCapture.class.getResourceAsStream(SCHEMA_RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("Missing classpath resource " + SCHEMA_RESOURCE);
			}
			script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not read " + SCHEMA_RESOURCE + ": " + ex.getMessage(), ex);
		}
		String withoutComments = script.lines()
			.filter((line) -> !line.strip().startsWith("--"))
			.collect(Collectors.joining("\n"));
		List<String> statements = new ArrayList<>();
		for (String statement : withoutComments.split(";\\s*(\\n|$)")) {
			if (!statement.isBlank()) {
				statements.add(statement.strip());
			}
		}
		return statements;
	}

	/**
	 * The capture triggers found in the file.
	 * @param byName each trigger's SQL by its name
	 * @param tables the tables they are on
	 * @param renamed per capture trigger made for another table than the one it is on, that table to this one
	 */
	private record FoundTriggers(Map<String, String> byName, Set<String> tables, Map<String, String> renamed) {
	}

	private void tellRenamedColumns(List<LayoutChange> changes) throws SQLException {
		for (LayoutChange change : changes) {
			CaptureLayout previous = change.previous();
			if (previous == null || previous.id() == change.current().id()) {
				continue;
			}
			Map<String, String> renames = ColumnRenames.between(previous.columns(), change.current().columns());
			if (!renames.isEmpty()) {
				logger.info("Table '{}': columns renamed {}; changes of the previous schema are written under the new "
						+ "names", change.current().table(), renames);
				this.renamedColumns.renamed(this.connection, change.current().table(), renames);
			}
		}
	}

	/**
	 * A table's layout before and after an install.
	 * @param previous its latest layout before, {@code null} when it never had one
	 * @param current its layout now
	 * @param capturedBefore whether the table had capture triggers before the install
	 */
	private record LayoutChange(@Nullable CaptureLayout previous, CaptureLayout current, boolean capturedBefore) {
	}

	/**
	 * What {@link #reinstall()} did.
	 *
	 * @param tables the watched tables, whose triggers are installed
	 * @param leftOut why each table that should be watched but cannot be was left out, empty when none
	 */
	public record Installed(List<TableSchema> tables, List<String> leftOut) {

		public Installed {
			tables = List.copyOf(tables);
			leftOut = List.copyOf(leftOut);
		}

	}

}
