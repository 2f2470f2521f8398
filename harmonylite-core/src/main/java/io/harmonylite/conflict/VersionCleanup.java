package io.harmonylite.conflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.capture.Transactions;
import io.harmonylite.event.Version;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the version state small: removes tombstones older than the retention, and, a chunk per run, the state of
 * rows that no longer exist (a table dropped, rows removed while capture was off). Each run is one write transaction
 * that first records this node's pending changes, so that a local delete not yet recorded is never mistaken for a
 * missing row.
 *
 * @since 0.1.0
 */
public final class VersionCleanup implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(VersionCleanup.class);

	private static final String TABLE = "\"" + VersionStore.TABLE + "\"";

	private static final int SWEEP_CHUNK = 500;

	private final Connection connection;

	private final VersionStore store;

	private final @Nullable LocalChangeRecorder recorder;

	private final Clock clock;

	private final long nodeId;

	private @Nullable RowKey sweptUpTo;

	/**
	 * Creates a cleanup on a connection of its own.
	 * @param connection a connection to the database, in auto-commit mode
	 * @param settings this node's id (0 when the database has no change capture) and maximum clock skew
	 * @param clock this node's clock
	 * @param stats where the recorder counts clamped versions
	 */
	public VersionCleanup(Connection connection, ConflictSettings settings, Clock clock, ConflictStats stats) {
		this.connection = connection;
		this.clock = clock;
		this.nodeId = settings.nodeId();
		try {
			ClockTable.install(connection);
			this.store = new VersionStore(connection);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not open the version state: " + ex.getMessage(), ex);
		}
		this.recorder = settings.recordsLocalChanges()
				? new LocalChangeRecorder(connection, this.store, false, settings, clock, stats) : null;
	}

	/**
	 * Runs one cleanup in its own write transaction.
	 * @param retention how long tombstones are kept
	 * @return how many version rows were removed
	 */
	public int run(Duration retention) {
		try {
			return Transactions.immediate(this.connection, () -> {
				if (this.recorder != null) {
					this.recorder.record();
				}
				int tombstones = this.store
					.deleteTombstonesBefore(Version.hlcOf(this.clock.millis() - retention.toMillis()));
				int orphans = sweep();
				if (tombstones + orphans > 0) {
					logger.debug("Node {}: removed {} tombstone(s) older than {} and the versions of {} row(s) that "
							+ "no longer exist", this.nodeId, tombstones, retention, orphans);
				}
				return tombstones + orphans;
			});
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Node " + this.nodeId + ": could not clean up the version state: "
					+ ex.getMessage(), ex);
		}
	}

	/** Checks the next chunk of live rows' states against their tables, and starts over after the last one. */
	private int sweep() throws SQLException {
		List<RowKey> keys = nextChunk();
		if (keys.size() < SWEEP_CHUNK) {
			this.sweptUpTo = null;
		}
		else {
			this.sweptUpTo = keys.get(keys.size() - 1);
		}
		Map<String, Optional<TableSchema>> tables = new HashMap<>();
		SchemaReader schema = new SchemaReader(this.connection);
		Map<RowKey, @Nullable RowState> missing = new HashMap<>();
		for (RowKey key : keys) {
			Optional<TableSchema> table = tables.computeIfAbsent(key.table(), schema::table);
			if (!exists(key, table)) {
				missing.put(key, null);
			}
		}
		this.store.write(missing);
		return missing.size();
	}

	private List<RowKey> nextChunk() throws SQLException {
		RowKey after = this.sweptUpTo;
		String sql = "SELECT tbl, pk FROM " + TABLE + " WHERE tombstone IS NULL"
				+ ((after != null) ? " AND (tbl, pk) > (?, ?)" : "") + " ORDER BY tbl, pk LIMIT " + SWEEP_CHUNK;
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			if (after != null) {
				statement.setString(1, after.table());
				statement.setBytes(2, after.key());
			}
			List<RowKey> keys = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					keys.add(new RowKey(rows.getString(1), rows.getBytes(2)));
				}
			}
			return keys;
		}
	}

	private boolean exists(RowKey key, Optional<TableSchema> table) throws SQLException {
		if (table.isEmpty()) {
			return false;
		}
		List<String> primaryKey = table.get().primaryKey();
		List<@Nullable Object> values;
		try {
			values = key.values();
		}
		catch (RuntimeException ex) {
			// Unreadable: it can never match a row.
			return false;
		}
		if (primaryKey.isEmpty() || values.size() != primaryKey.size()) {
			return false;
		}
		StringBuilder sql = new StringBuilder("SELECT 1 FROM \"main\".").append(SqlIdentifiers.quote(key.table()))
			.append(" WHERE ");
		for (int i = 0; i < primaryKey.size(); i++) {
			sql.append((i > 0) ? " AND " : "").append(SqlIdentifiers.quote(primaryKey.get(i))).append(" = ?");
		}
		try (PreparedStatement statement = this.connection.prepareStatement(sql.toString())) {
			for (int i = 0; i < values.size(); i++) {
				statement.setObject(i + 1, values.get(i));
			}
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next();
			}
		}
	}

	@Override
	public void close() throws SQLException {
		this.store.close();
	}

}
