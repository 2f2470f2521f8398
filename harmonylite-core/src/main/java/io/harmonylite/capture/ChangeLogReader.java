package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.event.SqlValues;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * Reads pending changes from the change log, turns them into {@link ChangeEvent}s, and records their publication.
 * <p>
 * Every method runs a single SQL statement in auto-commit mode (or in the caller's transaction), so a reader may be
 * shared by a publisher and a cleanup task as long as the connection allows use from several threads, as sqlite-jdbc
 * connections do.
 *
 * @since 0.1.0
 */
public final class ChangeLogReader {

	static final int PENDING = 0;

	static final int PUBLISHED = 1;

	static final int FAILED = 2;

	private static final String CHANGE_LOG = SqlIdentifiers.quote(ChangeCapture.CHANGE_LOG_TABLE);

	/** Position of c0 in {@code SELECT id, tbl, op, layout, ts, state, c0, ...}. */
	private static final int FIRST_VALUE_COLUMN = 7;

	private static final int DELETE_CHUNK = 10_000;

	private final Connection connection;

	private final long nodeId;

	private final Map<Long, CaptureLayout> layouts = new ConcurrentHashMap<>();

	/**
	 * Creates a reader.
	 * @param connection a read-write connection to the database, in auto-commit mode
	 * @param nodeId this node's id, the origin of every change read
	 */
	public ChangeLogReader(Connection connection, long nodeId) {
		this.connection = connection;
		this.nodeId = nodeId;
	}

	/**
	 * Reads pending changes in capture order.
	 * @param afterId read only changes with a larger id (0 to start at the beginning)
	 * @param limit the maximum number of changes
	 * @return pending changes with {@code id > afterId}, ordered by id
	 */
	public List<CapturedChange> readAfter(long afterId, int limit) {
		if (limit <= 0) {
			throw new IllegalArgumentException("The limit must be positive, was " + limit);
		}
		String sql = "SELECT * FROM " + CHANGE_LOG + " WHERE id > ? AND state = " + PENDING + " ORDER BY id LIMIT ?";
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setLong(1, afterId);
			statement.setInt(2, limit);
			List<CapturedChange> changes = new ArrayList<>(Math.min(limit, 1024));
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					changes.add(decode(rows));
				}
			}
			return changes;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the change log after id " + afterId + ": " + ex.getMessage(),
					ex);
		}
	}

	private CapturedChange decode(ResultSet rows) throws SQLException {
		long id = rows.getLong(1);
		String table = rows.getString(2);
		int op = rows.getInt(3);
		long layoutId = rows.getLong(4);
		long timestamp = rows.getLong(5);
		CaptureLayout layout = layout(id, layoutId);
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		List<String> columns = layout.columns();
		for (int i = 0; i < columns.size(); i++) {
			String column = columns.get(i);
			// getObject follows the value's storage class: Integer/Long, Double, String, byte[] or null.
			row.put(column, SqlValues.normalize(column, rows.getObject(FIRST_VALUE_COLUMN + i)));
		}
		try {
			return new CapturedChange(id, new ChangeEvent(this.nodeId, id, table, Operation.fromCode(op), row,
					layout.primaryKey(), timestamp, ""));
		}
		catch (IllegalArgumentException ex) {
			throw new HarmonyLiteException("Change-log row " + id + " of table '" + table + "' cannot be decoded: "
					+ ex.getMessage() + ". Mark it failed (state 2) or remove it to let publishing continue.", ex);
		}
	}

	private CaptureLayout layout(long changeId, long layoutId) throws SQLException {
		CaptureLayout layout = this.layouts.get(layoutId);
		if (layout == null) {
			layout = CaptureLayouts.find(this.connection, layoutId)
				.orElseThrow(() -> new HarmonyLiteException("Change-log row " + changeId + " refers to layout "
						+ layoutId + ", which is missing from " + ChangeCapture.LAYOUT_TABLE
						+ ". Mark the row failed (state 2) or re-install capture."));
			this.layouts.put(layoutId, layout);
		}
		return layout;
	}

	/**
	 * The smallest pending id, where publishing resumes after a restart.
	 * @return the first pending id, or empty when nothing is pending
	 */
	public OptionalLong firstPendingId() {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT min(id) FROM " + CHANGE_LOG + " WHERE state = " + PENDING)) {
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				long id = rows.getLong(1);
				return rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(id);
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not find the first pending change: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The id to pass to {@link #readAfter(long, int)} when publishing starts: just before the first pending change,
	 * or the last id in the log when nothing is pending.
	 * @return the starting position, 0 for an empty log
	 */
	public long resumeAfterId() {
		OptionalLong first = firstPendingId();
		if (first.isPresent()) {
			return first.getAsLong() - 1;
		}
		return queryLong("SELECT coalesce(max(id), 0) FROM " + CHANGE_LOG, "find the last change id");
	}

	/**
	 * Marks changes as published, atomically.
	 * @param ids the change ids
	 */
	public void markPublished(long[] ids) {
		if (ids.length == 0) {
			return;
		}
		StringJoiner json = new StringJoiner(",", "[", "]");
		for (long id : ids) {
			json.add(Long.toString(id));
		}
		// One statement, so one transaction, however many ids.
		String sql = "UPDATE " + CHANGE_LOG + " SET state = " + PUBLISHED
				+ " WHERE id IN (SELECT value FROM json_each(?)) AND state <> " + PUBLISHED;
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setString(1, json.toString());
			statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not mark " + ids.length + " change(s) published: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Marks a change that cannot be published; it stays in the log for the operator and is never deleted by
	 * {@link #deletePublished()}.
	 * @param id the change id
	 */
	public void markFailed(long id) {
		try (PreparedStatement statement = this.connection
			.prepareStatement("UPDATE " + CHANGE_LOG + " SET state = " + FAILED + " WHERE id = ?")) {
			statement.setLong(1, id);
			statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not mark change " + id + " failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Counts the changes not yet published.
	 * @return the number of pending changes
	 */
	public long pendingCount() {
		return queryLong("SELECT count(*) FROM " + CHANGE_LOG + " WHERE state = " + PENDING, "count pending changes");
	}

	/**
	 * The oldest change not yet acknowledged, to tell how long publishing has been held up.
	 * @return the change, or {@code null} when nothing is pending
	 */
	public @Nullable PendingChange oldestPending() {
		try (PreparedStatement statement = this.connection.prepareStatement(
				"SELECT id, tbl, ts FROM " + CHANGE_LOG + " WHERE state = " + PENDING + " ORDER BY id LIMIT 1")) {
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next()
						? new PendingChange(rows.getLong(1), rows.getString(2), Instant.ofEpochMilli(rows.getLong(3)))
						: null;
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the oldest pending change: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Counts the changes marked failed, by table.
	 * @return table to the number of its failed changes; empty when none failed
	 */
	public Map<String, Long> failedByTable() {
		Map<String, Long> failed = new TreeMap<>();
		try (PreparedStatement statement = this.connection.prepareStatement(
				"SELECT tbl, count(*) FROM " + CHANGE_LOG + " WHERE state = " + FAILED + " GROUP BY tbl")) {
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					failed.put(rows.getString(1), rows.getLong(2));
				}
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not count the failed changes: " + ex.getMessage(), ex);
		}
		return failed;
	}

	/**
	 * Counts the changes marked failed.
	 * @return the number of failed changes
	 */
	public long failedCount() {
		return queryLong("SELECT count(*) FROM " + CHANGE_LOG + " WHERE state = " + FAILED, "count failed changes");
	}

	/**
	 * Deletes published changes, except the one with the highest id, which is kept so that SQLite never hands out an
	 * id twice. Deletes in chunks, each its own transaction, so the application's writers never wait long.
	 * @return the number of deleted changes
	 */
	public int deletePublished() {
		long maxId = queryLong("SELECT coalesce(max(id), 0) FROM " + CHANGE_LOG, "find the last change id");
		String sql = "DELETE FROM " + CHANGE_LOG + " WHERE id IN (SELECT id FROM " + CHANGE_LOG + " WHERE state = "
				+ PUBLISHED + " AND id < ? ORDER BY id LIMIT " + DELETE_CHUNK + ")";
		int deleted = 0;
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setLong(1, maxId);
			int chunk;
			do {
				chunk = statement.executeUpdate();
				deleted += chunk;
			}
			while (chunk == DELETE_CHUNK);
			return deleted;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not delete published changes (" + deleted + " deleted so far): "
					+ ex.getMessage(), ex);
		}
	}

	/**
	 * The random capture epoch created at install; together with the node id and the change id it identifies a
	 * change uniquely, also after capture was uninstalled and installed again.
	 * @return the capture epoch, never 0
	 * @throws HarmonyLiteException if capture is not installed
	 */
	public long captureEpoch() {
		try (PreparedStatement statement = this.connection.prepareStatement(
				"SELECT value FROM " + SqlIdentifiers.quote(ChangeCapture.META_TABLE) + " WHERE key = ?")) {
			statement.setString(1, ChangeCapture.CAPTURE_EPOCH_KEY);
			try (ResultSet rows = statement.executeQuery()) {
				if (!rows.next()) {
					throw notInstalled(null);
				}
				return rows.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw notInstalled(ex);
		}
	}

	private static HarmonyLiteException notInstalled(@Nullable SQLException cause) {
		String message = "Change capture is not installed (no capture epoch in " + ChangeCapture.META_TABLE
				+ "). Run ChangeCapture.install() first.";
		return (cause != null) ? new HarmonyLiteException(message + " (" + cause.getMessage() + ")", cause)
				: new HarmonyLiteException(message);
	}

	private long queryLong(String sql, String action) {
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not " + action + ": " + ex.getMessage(), ex);
		}
	}

}
