package io.harmonylite.snapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.harmonylite.apply.ApplyTables;
import io.harmonylite.apply.DeadLetteredChanges;
import io.harmonylite.capture.ApplyMarker;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqlIdentifiers;

/**
 * Which of HarmonyLite's own tables are replicated state, carried by a snapshot, and which describe one node and never
 * leave it.
 * <p>
 * <b>Node-local</b> (kept by the restoring node, stripped from a snapshot): the change log (this node's unpublished
 * changes, which another node must never send under its own name), the capture layouts those change-log rows are
 * encoded with, the meta table (the capture epoch that makes this node's message ids unique), the apply marker, the
 * schema version (this node's own migration history, including its previous hash), the record of the last restore, the
 * dead letters this node lacks (its own letters, which only it re-applies), and every HarmonyLite trigger (capture
 * triggers name this node's layouts).
 * <p>
 * <b>Replicated</b> (carried by a snapshot): every other {@value SchemaReader#INTERNAL_PREFIX} table, notably the stream
 * positions and stream identities (they say which changes the copy reflects) and the conflict-version state (per-row
 * versions and the clock), so that a restored node resolves later conflicts as the cluster does. A new HarmonyLite
 * table is replicated unless added here.
 *
 * @since 0.1.0
 */
public final class SnapshotTables {

	/** The node-local table that records the last restore: which snapshot, when, and a token to verify it took place. */
	public static final String RESTORE_TABLE = SchemaReader.INTERNAL_PREFIX + "restore";

	/** HarmonyLite's node-local tables (lower case). */
	public static final Set<String> NODE_LOCAL = Set.of(lower(ChangeCapture.CHANGE_LOG_TABLE),
			lower(ChangeCapture.LAYOUT_TABLE), lower(ChangeCapture.META_TABLE), lower(ApplyMarker.TABLE),
			lower(SchemaVersionStore.TABLE), lower(RESTORE_TABLE), lower(DeadLetteredChanges.TABLE));

	/**
	 * The conflict clock (one row: the highest version this node recorded or applied), carried by a snapshot; a
	 * restoring node keeps the later of its own value and the snapshot's.
	 */
	public static final String CLOCK_TABLE = ClockTable.NAME;

	/** The stream positions, carried by a snapshot. */
	public static final String POSITIONS = ApplyTables.POSITIONS;

	/** The stream identities, carried by a snapshot. */
	public static final String STREAM_IDENTITIES = ApplyTables.STREAM_IDENTITIES;

	private SnapshotTables() {
	}

	/**
	 * Whether a schema object belongs to HarmonyLite.
	 * @param name the object's name
	 * @return {@code true} when it starts with {@value SchemaReader#INTERNAL_PREFIX}, in any letter case
	 */
	public static boolean isInternal(String name) {
		return lower(name).startsWith(SchemaReader.INTERNAL_PREFIX);
	}

	/**
	 * Whether a HarmonyLite table describes this node only.
	 * @param table the table's name
	 * @return {@code true} for the node-local tables
	 */
	public static boolean isNodeLocal(String table) {
		return NODE_LOCAL.contains(lower(table));
	}

	/**
	 * The tables of a database that stay on its node: HarmonyLite's node-local tables and the user tables the node
	 * does not replicate.
	 * @param connection a connection to the database
	 * @param replicatedTables the node's table selection
	 * @return the table names
	 * @throws SQLException if the schema cannot be read
	 */
	static Set<String> nodeLocalTables(Connection connection, ReplicatedTables replicatedTables) throws SQLException {
		Set<String> replicated = new HashSet<>();
		for (TableSchema table : replicatedTables.resolve(connection)) {
			replicated.add(table.name());
		}
		List<String> userTables = new SchemaReader(connection).userTables();
		Set<String> local = new LinkedHashSet<>();
		for (String table : SqliteSchema.tables(connection, "main")) {
			if (isInternal(table) ? isNodeLocal(table) : userTables.contains(table) && !replicated.contains(table)) {
				local.add(table);
			}
		}
		return local;
	}

	/**
	 * Creates the restore record's table when missing.
	 * @param connection the connection
	 * @param schema the schema to create it in
	 * @throws SQLException if it cannot be created
	 */
	static void createRestoreTable(Connection connection, String schema) throws SQLException {
		SqliteSchema.execute(connection, "CREATE TABLE IF NOT EXISTS " + SqlIdentifiers.quote(schema) + "."
				+ SqlIdentifiers.quote(RESTORE_TABLE) + " (id INTEGER PRIMARY KEY CHECK (id = 1), snapshot_id TEXT NOT "
				+ "NULL, restored_at TEXT NOT NULL, token TEXT NOT NULL)");
	}

	private static String lower(String name) {
		return name.toLowerCase(Locale.ROOT);
	}

}
