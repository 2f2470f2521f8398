package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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

	private static final int DELETE_CHUNK = 10_000;

	/**
	 * About how many bytes of values one read returns at most (it always returns at least one change when one is
	 * there): a transaction of many large values is read piece by piece instead of into memory at once.
	 */
	public static final long MAX_READ_BYTES = 16 * 1024 * 1024;

	private final Connection connection;

	private final long nodeId;

	private final Map<Long, CaptureLayout> layouts = new ConcurrentHashMap<>();

	private final RenamedCaptures renamedCaptures;

	private final LayoutFits layoutFits;

	/**
	 * Creates a reader.
	 * @param connection a read-write connection to the database, in auto-commit mode
	 * @param nodeId this node's id, the origin of every change read
	 */
	public ChangeLogReader(Connection connection, long nodeId) {
		this.connection = connection;
		this.nodeId = nodeId;
		this.renamedCaptures = new RenamedCaptures(connection);
		this.layoutFits = new LayoutFits(connection);
	}

	/**
	 * Reads pending changes in capture order, at most {@code limit} and about {@link #MAX_READ_BYTES} of values.
	 * @param afterId read only changes with a larger id (0 to start at the beginning)
	 * @param limit the maximum number of changes
	 * @return pending changes with {@code id > afterId}, ordered by id
	 */
	public List<CapturedChange> readAfter(long afterId, int limit) {
		return readAfter(afterId, Long.MAX_VALUE, limit);
	}

	/**
	 * Reads pending changes in capture order, up to an id, e.g. the last one recorded; at most {@code limit} and about
	 * {@link #MAX_READ_BYTES} of values.
	 * @param afterId read only changes with a larger id (0 to start at the beginning)
	 * @param upToId read only changes with this id or a smaller one
	 * @param limit the maximum number of changes
	 * @return pending changes with {@code afterId < id <= upToId}, ordered by id
	 */
	public List<CapturedChange> readAfter(long afterId, long upToId, int limit) {
		return read("state = " + PENDING, afterId, upToId, limit);
	}

	/**
	 * Reads the changes still in the log that were or will be published (pending or published, not failed), in
	 * capture order: what this node sent or will send to the cluster and may not have seen come back yet; at most
	 * {@code limit} and about {@link #MAX_READ_BYTES} of values.
	 * @param afterId read only changes with a larger id (0 to start at the beginning)
	 * @param limit the maximum number of changes
	 * @return pending and published changes with {@code id > afterId}, ordered by id
	 */
	public List<CapturedChange> readSentAfter(long afterId, int limit) {
		return read("state IN (" + PENDING + ", " + PUBLISHED + ")", afterId, Long.MAX_VALUE, limit);
	}

	private List<CapturedChange> read(String stateCondition, long afterId, long upToId, int limit) {
		if (limit <= 0) {
			throw new IllegalArgumentException("The limit must be positive, was " + limit);
		}
		String sql = "SELECT * FROM " + CHANGE_LOG + " WHERE id > ? AND id <= ? AND " + stateCondition
				+ " ORDER BY id LIMIT ?";
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setLong(1, afterId);
			statement.setLong(2, upToId);
			statement.setInt(3, limit);
			List<CapturedChange> changes = new ArrayList<>(Math.min(limit, 1024));
			int schemaVersion = schemaVersion();
			Map<String, String> renamed = this.renamedCaptures.current(schemaVersion);
			long bytes = 0;
			try (ResultSet rows = statement.executeQuery()) {
				Columns columns = null;
				while (bytes < MAX_READ_BYTES && rows.next()) {
					if (columns == null) {
						columns = Columns.of(rows.getMetaData());
					}
					CapturedChange change = decode(rows, columns, renamed, schemaVersion);
					changes.add(change);
					bytes += approximateBytes(change);
				}
			}
			refuseDeletesOfRefusedKeyChanges(changes);
			return changes;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the change log after id " + afterId + ": " + ex.getMessage(),
					ex);
		}
	}

	/** Why a change whose key holds NULL cannot be replicated, {@code null} when the key has no NULL. */
	private static @Nullable String nullKey(List<String> primaryKey, Map<String, @Nullable Object> row) {
		for (String column : primaryKey) {
			if (row.get(column) == null) {
				// SQLite accepts NULL in the key of a rowid table; no other node could tell which row it is.
				return "its primary-key column '" + column + "' is NULL, which identifies no row on other nodes; "
						+ "declare the key's columns NOT NULL (and give such rows a key)";
			}
		}
		return null;
	}

	/**
	 * A key change is captured as a delete of the old key followed by the new row: when the new row cannot be
	 * replicated, neither can the delete, or the other nodes would lose the row altogether. (A delete read at the end
	 * of the previous read is not reached: it was sent already.)
	 */
	private static void refuseDeletesOfRefusedKeyChanges(List<CapturedChange> changes) {
		for (int i = 1; i < changes.size(); i++) {
			CapturedChange change = changes.get(i);
			CapturedChange before = changes.get(i - 1);
			ChangeEvent event = change.event();
			if (change.unreplicable() != null && event.operation() == Operation.UPDATE
					&& event.changedColumns() == null && before.unreplicable() == null && before.id() == change.id() - 1
					&& before.event().operation() == Operation.DELETE && before.event().table().equals(event.table())) {
				changes.set(i - 1, new CapturedChange(before.id(), before.event(), "it removes the old key of a key "
						+ "change whose new row cannot be replicated: " + change.unreplicable()));
			}
		}
	}

	private static long approximateBytes(CapturedChange change) {
		long bytes = 64;
		for (Object value : change.event().row().values()) {
			bytes += (value instanceof byte[] blob) ? blob.length
					: (value instanceof String text) ? 2L * text.length() : 16;
		}
		return bytes;
	}

	private int schemaVersion() throws SQLException {
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA schema_version")) {
			return rows.next() ? rows.getInt(1) : -1;
		}
	}

	private CapturedChange decode(ResultSet rows, Columns positions, Map<String, String> renamed, int schemaVersion)
			throws SQLException {
		long id = rows.getLong(positions.id);
		String captured = rows.getString(positions.table);
		String table = renamed.getOrDefault(captured, captured);
		int op = rows.getInt(positions.op);
		long layoutId = rows.getLong(positions.layout);
		long timestamp = rows.getLong(positions.ts);
		long version = (positions.ver > 0) ? rows.getLong(positions.ver) : 0;
		CaptureLayout layout = layout(id, layoutId);
		List<String> columns = layout.columns();
		if (columns.size() > positions.values.length) {
			throw new HarmonyLiteException("Change-log row " + id + " of table '" + table + "' has " + columns.size()
					+ " columns but the change log only " + positions.values.length + ". Re-install capture.");
		}
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		String unreplicable = null;
		for (int i = 0; i < columns.size(); i++) {
			String column = columns.get(i);
			// getObject follows the value's storage class: Integer/Long, Double, String, byte[] or null.
			Object value = SqlValues.normalize(column, rows.getObject(positions.values[i]));
			if (unreplicable == null && value instanceof String text) {
				unreplicable = InvalidText.reason(column, text, rows, positions.values[i]);
			}
			row.put(column, value);
		}
		if (unreplicable == null) {
			unreplicable = nullKey(layout.primaryKey(), row);
		}
		try {
			Operation operation = Operation.fromCode(op);
			Set<String> changed = (operation == Operation.UPDATE) ? changed(rows, positions, layout) : null;
			List<String> key = layout.primaryKey();
			LayoutFits.Fit fit = this.layoutFits.of(layout, table, schemaVersion);
			if (!fit.changesNothing()) {
				row = fit.row(row, key);
				changed = fit.changed(changed, key);
				key = fit.primaryKey(key);
			}
			else if (fit.unfollowable() != null && operation == Operation.DELETE) {
				// A delete needs only its key: so it still applies where the other columns were renamed or dropped.
				row = keyOnly(row, key);
			}
			return new CapturedChange(id,
					new ChangeEvent(this.nodeId, id, table, operation, row, key, timestamp, "", version, changed),
					unreplicable);
		}
		catch (IllegalArgumentException ex) {
			throw new HarmonyLiteException("Change-log row " + id + " of table '" + table + "' cannot be decoded: "
					+ ex.getMessage() + ". Mark it failed (state 2) or remove it to let publishing continue.", ex);
		}
	}

	private static Map<String, @Nullable Object> keyOnly(Map<String, @Nullable Object> row, List<String> key) {
		Map<String, @Nullable Object> keyValues = new LinkedHashMap<>();
		key.forEach((column) -> keyValues.put(column, row.get(column)));
		return keyValues;
	}

	/**
	 * The columns an UPDATE changed, from its mask words; every column when the key changed (the row is new for that
	 * key) or when the row has no mask (captured before masks existed).
	 */
	private static @Nullable Set<String> changed(ResultSet rows, Columns positions, CaptureLayout layout)
			throws SQLException {
		List<String> columns = layout.columns();
		int words = ChangeCapture.maskWords(columns.size());
		if (positions.masks.length < words) {
			return null;
		}
		long[] masks = new long[words];
		for (int word = 0; word < words; word++) {
			masks[word] = rows.getLong(positions.masks[word]);
			if (rows.wasNull()) {
				return null;
			}
		}
		Set<String> changed = new HashSet<>();
		for (int i = 0; i < columns.size(); i++) {
			if ((masks[i / ChangeCapture.MASK_BITS] & (1L << (i % ChangeCapture.MASK_BITS))) != 0) {
				changed.add(columns.get(i));
			}
		}
		for (String key : layout.primaryKey()) {
			if (changed.contains(key)) {
				return null;
			}
		}
		return changed;
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
		return lastChangeId();
	}

	/**
	 * The highest id in the log: it only grows, since the last change is never deleted.
	 * @return the last change id, 0 for an empty log
	 */
	public long lastChangeId() {
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
	 * The version a change of the log has.
	 * @param id the change's id
	 * @return its version, {@code null} when the log has no such change or its version is not final yet
	 */
	public @Nullable Long versionOf(long id) {
		return version(id, "SELECT ver FROM " + CHANGE_LOG + " WHERE id = ?");
	}

	/**
	 * The version of a published change: final, unlike a pending change's, which the recorder may still move.
	 * @param id the change id
	 * @return its version, {@code null} when the log has no such change, it is not published or has no version
	 */
	public @Nullable Long publishedVersionOf(long id) {
		return version(id, "SELECT ver FROM " + CHANGE_LOG + " WHERE id = ? AND state = " + PUBLISHED);
	}

	private @Nullable Long version(long id, String sql) {
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setLong(1, id);
			try (ResultSet rows = statement.executeQuery()) {
				if (!rows.next()) {
					return null;
				}
				long version = rows.getLong(1);
				return rows.wasNull() ? null : version;
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the version of change " + id + ": " + ex.getMessage(), ex);
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
		long maxId = lastChangeId();
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

	/** Where each change-log column sits in {@code SELECT *}: a migrated change log has them in another order. */
	private record Columns(int id, int table, int op, int layout, int ts, int ver, int[] masks, int[] values) {

		static Columns of(ResultSetMetaData meta) throws SQLException {
			Map<String, Integer> positions = new HashMap<>();
			for (int i = 1; i <= meta.getColumnCount(); i++) {
				positions.put(meta.getColumnName(i), i);
			}
			return new Columns(positions.get("id"), positions.get("tbl"), positions.get("op"),
					positions.get("layout"), positions.get("ts"), positions.getOrDefault("ver", 0),
					numbered(positions, "m"), numbered(positions, "c"));
		}

		private static int[] numbered(Map<String, Integer> positions, String prefix) {
			int count = 0;
			while (positions.containsKey(prefix + count)) {
				count++;
			}
			int[] numbered = new int[count];
			for (int i = 0; i < count; i++) {
				numbered[i] = positions.get(prefix + i);
			}
			return numbered;
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
