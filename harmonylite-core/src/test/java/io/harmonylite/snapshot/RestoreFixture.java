package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.event.Version;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * An origin node whose snapshot is in a directory store, and the node-local state of a restoring node to compare
 * before and after a restore.
 */
final class RestoreFixture {

	static final String STREAM = "changes-0";

	static final String IDENTITY = "2025-01-01T00:00:00Z";

	/** The meta key of the recorder's cursor (LocalChangeRecorder). */
	private static final String RECORD_CURSOR = "record_cursor";

	/** The restoring node: node 2. */
	static final ConflictSettings CONFLICTS = new ConflictSettings(2, ConflictSettings.DEFAULT_MAX_CLOCK_SKEW);

	/** The origin's clock in the snapshot: a version it issued or applied, an hour ago. */
	static final long CLOCK = Version.hlcOf(System.currentTimeMillis() - 3_600_000);

	final Path dir;

	final DirectorySnapshotStore store;

	final SnapshotMetadata snapshot;

	final TestDatabase origin;

	/**
	 * Creates origin node 1 with books 1..{@code books}, applied up to position {@code books}, its clock at
	 * {@link #CLOCK}, and stores its snapshot.
	 */
	RestoreFixture(Path dir, int books) {
		this(dir, origin(dir, books));
	}

	/**
	 * Stores a snapshot of an origin node, as it is now.
	 */
	RestoreFixture(Path dir, TestDatabase origin) {
		this.dir = dir;
		this.origin = origin;
		this.store = new DirectorySnapshotStore(dir.resolve("store"));
		try (TakenSnapshot taken = new SnapshotTaker(this.origin.path(), 1, NodeFiles.SELECTION,
				ConsistencyCheck.always(), dir.resolve("origin-work"), Clock.systemUTC()).take()) {
			this.store.put(taken.metadata(), taken.data());
			this.snapshot = taken.metadata();
		}
	}

	private static TestDatabase origin(Path dir, int books) {
		TestDatabase origin = NodeFiles.node(dir.resolve("origin.db"));
		NodeFiles.books(origin, 1, books);
		NodeFiles.published(origin);
		NodeFiles.positions(origin, Map.of(STREAM, (long) books), Map.of(STREAM, IDENTITY));
		setClock(origin, CLOCK);
		return origin;
	}

	SnapshotRestorer restorer(TestDatabase node) {
		return restorer(node, NodeFiles.SELECTION);
	}

	SnapshotRestorer restorer(TestDatabase node, ReplicatedTables selection) {
		return new SnapshotRestorer(node.path(), CONFLICTS, selection, this.dir.resolve("node-work"), Clock.systemUTC());
	}

	/**
	 * Everything a restore must keep of a node, as comparable text (the meta table without the recorder's cursor, which a
	 * restore moves past the pending changes whose versions it makes final).
	 */
	static List<List<String>> localState(TestDatabase node) {
		return List.of(node.rows("SELECT * FROM \"" + ChangeCapture.CHANGE_LOG_TABLE + "\" ORDER BY id"),
				node.rows("SELECT * FROM \"" + ChangeCapture.META_TABLE + "\" WHERE key NOT IN ('" + RECORD_CURSOR
						+ "', '" + LocalChangeRecorder.RESTORED_THROUGH_KEY + "') ORDER BY key"),
				node.rows("SELECT * FROM \"" + ChangeCapture.LAYOUT_TABLE + "\" ORDER BY id"),
				node.rows("SELECT * FROM \"" + SchemaVersionStore.TABLE + "\""),
				node.rows("SELECT * FROM drafts ORDER BY id"),
				node.rows("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"));
	}

	static void setClock(TestDatabase node, long hlc) {
		node.update("UPDATE \"" + ClockTable.NAME + "\" SET hlc = ?", hlc);
	}

	static long clock(TestDatabase node) {
		return Long.parseLong(node.rows("SELECT hlc FROM \"" + ClockTable.NAME + "\"").get(0));
	}

	static String schemaHash(TestDatabase node) {
		try (Connection connection = SqliteConnections.open(node.path())) {
			return NodeFiles.SELECTION.schemaHash(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
