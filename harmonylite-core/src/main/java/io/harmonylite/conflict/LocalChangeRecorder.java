package io.harmonylite.conflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.capture.RecordedChanges;
import io.harmonylite.capture.Transactions;
import io.harmonylite.capture.WentBackMarker;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Version;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records this node's own changes in the version state, so that they take part in conflict decisions before their
 * echo comes back from the stream: it reads the change-log rows past its cursor, makes each row's version final
 * (bounded to this node's clock plus the maximum skew, never below the clock plus one; written back into the row when
 * it changed, which is what gets published) and records it: an insert sets every column to its version, an update the
 * columns it changed, a delete sets the tombstone and keeps the deleted values as the ghost.
 * <p>
 * It runs inside a write transaction (at the start of every apply batch, and before the publisher reads a batch):
 * since that transaction holds SQLite's write lock, no committed change escapes it. The cursor lives in the meta
 * table and moves in the same transaction.
 *
 * @since 0.1.0
 */
public final class LocalChangeRecorder implements AutoCloseable {

	static final String CURSOR_KEY = "record_cursor";

	/**
	 * The meta key a snapshot restore sets to the last change-log id at the restore: the version state holds the
	 * node's changes up to it only as far as the restore merged them (those already cleaned from the change log are
	 * only in the stream), so when they come back they are merged by the rule, never skipped unread (see
	 * {@link RecordedOwnChanges}).
	 */
	public static final String RESTORED_THROUGH_KEY = "restored_through";

	private static final Logger logger = LoggerFactory.getLogger(LocalChangeRecorder.class);

	static final int CHUNK = 10_000;

	private static final String META = SqlIdentifiers.quote(ChangeCapture.META_TABLE);

	private static final String CHANGE_LOG = SqlIdentifiers.quote(ChangeCapture.CHANGE_LOG_TABLE);

	private static final String PROGRESS_SQL = "SELECT coalesce((SELECT value FROM " + META + " WHERE key = ?), 0), "
			+ "(SELECT coalesce(max(id), 0) FROM " + CHANGE_LOG + "), " + ClockTable.valueExpression();

	private final Connection connection;

	private final VersionStore store;

	private final boolean ownsStore;

	private final ChangeLogReader reader;

	private final ConflictSettings settings;

	private final Clock clock;

	private final CommitFloor commitFloor = new CommitFloor();

	/** Whether this recorder looked at the change log before: what it saw then was the file the node runs on. */
	private boolean lookedBefore;

	/** The stored cursor found above the log's last id at the first look (a log emptied by hand), -1 when none. */
	private long emptiedBelow = -1;

	private final ConflictStats stats;

	private boolean resetLogged;

	/**
	 * Creates a recorder with its own access to the version state, e.g. for the publisher's connection.
	 * @param connection a connection to a database with change capture installed, in auto-commit mode
	 * @param settings this node's id and maximum clock skew
	 * @param clock this node's clock
	 * @param stats where clamped versions are counted
	 */
	public LocalChangeRecorder(Connection connection, ConflictSettings settings, Clock clock, ConflictStats stats) {
		this(connection, openStore(connection), true, settings, clock, stats);
	}

	LocalChangeRecorder(Connection connection, VersionStore store, boolean ownsStore, ConflictSettings settings,
			Clock clock, ConflictStats stats) {
		if (!settings.recordsLocalChanges()) {
			throw new IllegalArgumentException("Recording local changes needs this node's id");
		}
		this.connection = connection;
		this.store = store;
		this.ownsStore = ownsStore;
		this.reader = new ChangeLogReader(connection, settings.nodeId());
		this.settings = settings;
		this.clock = clock;
		this.stats = stats;
	}

	private static VersionStore openStore(Connection connection) {
		try {
			return new VersionStore(connection);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not open the version state: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Records what is pending in its own write transaction ({@code BEGIN IMMEDIATE}); does not take the write lock
	 * when nothing new was captured.
	 * @return the highest change-log id recorded: every pending change up to it may be published
	 */
	public long recordPending() {
		try {
			Progress progress = progress();
			if (!progress.pending()) {
				return progress.cursor();
			}
			return Transactions.immediate(this.connection, this::record);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
	}

	/**
	 * Records what is pending in its own write transaction, as {@link #recordPending()} does, knowing that it was
	 * committed no later than a given time: at startup, what was written while the node was stopped, by the time
	 * its database files were last modified. The versions are bounded to that time plus the maximum skew rather than
	 * to the clock now, so that a writer's clock far ahead wins for no longer than the skew, however long the node
	 * stayed stopped.
	 * @param committedByMillis when the pending changes were committed at the latest, epoch milliseconds
	 * @return the highest change-log id recorded
	 */
	public long recordCommittedBy(long committedByMillis) {
		try {
			Progress progress = progress();
			if (!progress.pending()) {
				return progress.cursor();
			}
			return Transactions.immediate(this.connection,
					() -> record(progress(), null, 0, true, true, null, committedByMillis));
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
	}

	/**
	 * Records what is pending in its own write transaction, for a publisher, and hands over the first {@code limit}
	 * recorded changes when they follow the publisher's position, so that it does not read them from the change log
	 * again. At most {@value #CHUNK} changes (and about {@link ChangeLogReader#MAX_READ_BYTES} of values) are recorded
	 * per call, so that a large transaction is recorded piece by
	 * piece while its first pieces are published, and local writers never wait long for the write lock; the next call
	 * records the next piece (an apply batch records everything pending before it applies). Does not take the write
	 * lock when nothing new was captured.
	 * @param after the publisher's position: the last change-log id it read
	 * @param limit the most changes to hand over
	 * @return the highest change-log id recorded, with the first recorded changes when this recorder's cursor was at
	 * {@code after}
	 */
	public RecordedChanges recordPending(long after, int limit) {
		if (limit <= 0) {
			throw new IllegalArgumentException("The limit must be positive, was " + limit);
		}
		try {
			Progress progress = progress();
			if (!progress.pending()) {
				return RecordedChanges.readFromLog(progress.cursor());
			}
			return Transactions.immediate(this.connection, () -> {
				// Read again under the write lock: an apply batch may have recorded changes since.
				Progress locked = progress();
				boolean follows = locked.cursor() == after;
				List<CapturedChange> recorded = new ArrayList<>();
				long through = record(locked, follows ? recorded : null, limit, false, true, null);
				return follows ? new RecordedChanges(through, recorded) : RecordedChanges.readFromLog(through);
			});
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
	}

	/**
	 * The pending changes a publisher sends next. When its position is this recorder's cursor and recording would
	 * leave every version as the capture triggers wrote it (the usual case: above the node's clock, increasing, and
	 * within the clock skew), they are handed over as read, unrecorded, so that the publisher sends them before it
	 * takes the write lock to record them ({@link #recordSent}); they are published with the versions they will be
	 * recorded with, since nothing moves the node's clock without recording what is pending first. Otherwise they are
	 * recorded first, as {@link #recordPending(long, int)} does. Either way the publisher marks a change published only
	 * once it is recorded.
	 * @param after the publisher's position: the last change-log id it read
	 * @param limit the most changes to hand over
	 * @return the changes, {@link RecordedChanges#recorded() unrecorded} or recorded
	 */
	public RecordedChanges pendingToPublish(long after, int limit) {
		if (limit <= 0) {
			throw new IllegalArgumentException("The limit must be positive, was " + limit);
		}
		try {
			Progress progress = progress();
			if (progress.pending() && progress.cursor() == after) {
				List<CapturedChange> changes = this.reader.readAfter(after, Math.min(limit, CHUNK));
				if (!changes.isEmpty() && finalAsCaptured(changes, progress.clock())) {
					return RecordedChanges.unrecorded(changes);
				}
			}
			return recordPending(after, limit);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
	}

	private boolean finalAsCaptured(List<CapturedChange> changes, long clockValue) {
		long upper = upperBound(this.clock.millis());
		long previous = clockValue;
		for (CapturedChange change : changes) {
			long version = change.event().hlc();
			if (version <= previous || version > upper
					|| Version.millisOf(version) < this.commitFloor.of(change.id()) - skewMillis()) {
				return false;
			}
			previous = version;
		}
		return true;
	}

	/**
	 * Records changes that {@link #pendingToPublish} handed over unrecorded and that were sent since, with the versions
	 * they were sent with, in its own write transaction. When something else recorded changes in the meantime (an apply
	 * batch records everything pending, with the same versions), records what is still pending instead.
	 * @param after the position the changes were handed over after
	 * @param sent the changes, as handed over
	 * @return the highest change-log id recorded
	 */
	public long recordSent(long after, List<CapturedChange> sent) {
		try {
			return Transactions.immediate(this.connection, () -> {
				Progress locked = progress();
				if (locked.cursor() != after || sent.isEmpty()) {
					return record(locked, null, 0, true, true, null);
				}
				Chunk chunk = new Chunk(locked.clock(), ChangeEventCodec.MAX_HLC, this.clock.millis(), skewMillis());
				recordChunk(sent, chunk, null, 0, true);
				return finish(after, sent.get(sent.size() - 1).id(), chunk);
			});
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
	}

	/**
	 * Makes the versions of what is pending final, as recording does, without recording them in the version state,
	 * in its own write transaction: for a snapshot's restore image, whose tables do not hold these changes yet and
	 * which merges them by the conflict rule afterwards, with these versions.
	 * @param clock the clock the versions follow (instead of the database's): the node's own before the restore,
	 * since these changes were written before it saw the snapshot's; the database's clock is only moved forward
	 * @return the highest change-log id whose version is final
	 */
	public long finalizePending(long clock) {
		try {
			return Transactions.immediate(this.connection, () -> record(progress(), null, 0, true, false, clock));
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
	}

	private HarmonyLiteException failed(SQLException ex) {
		return new HarmonyLiteException("Node " + this.settings.nodeId() + ": could not record local changes: "
				+ ex.getMessage() + ". They stay pending and are recorded on the next attempt.", ex);
	}

	/**
	 * Records every change captured past the cursor; call inside a write transaction.
	 * @return the highest change-log id recorded
	 * @throws SQLException if reading or writing fails
	 */
	long record() throws SQLException {
		return record(progress(), null, 0, true, true, null);
	}

	/**
	 * Records the changes captured past the cursor, in chunks; call inside a write transaction.
	 * @param progress the cursor and the last change-log id, read inside this transaction
	 * @param recorded where the first recorded changes go, with their final versions, or {@code null}
	 * @param keep how many of them go there
	 * @param all whether to record every pending change, or at most one chunk
	 * @param intoVersions whether to record them in the version state too, or only make their versions final
	 * @param clock the clock the versions follow, {@code null} for the database's
	 * @return the highest change-log id recorded
	 */
	private long record(Progress progress, @Nullable List<CapturedChange> recorded, int keep, boolean all,
			boolean intoVersions, @Nullable Long clock) throws SQLException {
		return record(progress, recorded, keep, all, intoVersions, clock, this.clock.millis());
	}

	/**
	 * Records as {@link #record(Progress, List, int, boolean, boolean, Long)} does, with the versions bounded to the
	 * given time plus the maximum skew: when the changes were committed no later than that.
	 */
	private long record(Progress progress, @Nullable List<CapturedChange> recorded, int keep, boolean all,
			boolean intoVersions, @Nullable Long clock, long committedBy) throws SQLException {
		long cursor = progress.cursor();
		// Fixed while this transaction holds the write lock.
		long last = progress.last();
		if (last <= cursor) {
			// Nothing captured since: the common case at the start of an apply batch, spared the reads below.
			return cursor;
		}
		long start = cursor;
		long now = this.clock.millis();
		Chunk chunk = new Chunk((clock != null) ? clock : progress.clock(), upperBound(Math.min(now, committedBy)), now,
				skewMillis());
		if (committedBy < now) {
			chunk.bound = "the last write to the database files (" + Instant.ofEpochMilli(committedBy) + ")";
		}
		boolean more = false;
		List<CapturedChange> changes;
		while (!(changes = this.reader.readAfter(cursor, CHUNK)).isEmpty()) {
			recordChunk(changes, chunk, recorded, keep, intoVersions);
			cursor = changes.get(changes.size() - 1).id();
			if (!all) {
				// One read per call (at most a chunk, and its bytes bounded): more may be pending when it stopped short
				// of the last id; if only published or failed rows follow, the next call finds nothing and moves past.
				more = cursor < last;
				break;
			}
		}
		if (!more) {
			// Rows up to the last one are recorded or were never pending (published before versions existed).
			cursor = Math.max(cursor, last);
			chunk.reachedLast = true;
		}
		return finish(start, cursor, chunk);
	}

	private long skewMillis() {
		return this.settings.maxClockSkew().toMillis();
	}

	/** The highest version a local change keeps: this node's clock plus the maximum skew. */
	private long upperBound(long now) {
		return Version.hlcOf(now + skewMillis()) | 0xFFFF;
	}

	/**
	 * Makes the versions of one chunk of changes final and records them.
	 * @param changes the changes, in id order
	 * @param chunk the clock so far and the bound, updated
	 * @param recorded where the first recorded changes go, with their final versions, or {@code null}
	 * @param keep how many of them go there
	 * @param intoVersions whether to record them in the version state too, or only make their versions final
	 */
	private void recordChunk(List<CapturedChange> changes, Chunk chunk, @Nullable List<CapturedChange> recorded,
			int keep, boolean intoVersions) throws SQLException {
		Map<RowKey, RowState> loaded = intoVersions
				? this.store.load(changes.stream().map((c) -> RowKey.of(c.event())).toList()) : Map.of();
		Map<RowKey, RowState> states = new HashMap<>();
		try (PreparedStatement setVersion = this.connection
			.prepareStatement("UPDATE " + CHANGE_LOG + " SET ver = ? WHERE id = ?")) {
			boolean rewritten = false;
			for (CapturedChange change : changes) {
				long captured = change.event().hlc();
				// Captured before versions existed: it gets one now.
				long bounded = (captured == 0) ? Version.hlcOf(chunk.now) : Math.min(captured, chunk.upper);
				// Committed after this node's last look that did not see it: never older than that look by more than
				// the skew (a writer's clock behind by less is tolerated, as one ahead by less is).
				long committedAfter = this.commitFloor.of(change.id());
				long floor = (Version.millisOf(bounded) < committedAfter - chunk.skew) ? Version.hlcOf(committedAfter) : 0;
				long version = Math.max(Math.max(bounded, floor), chunk.clockValue + 1);
				if (version < captured) {
					chunk.clamped++;
					chunk.furthest = Math.max(chunk.furthest, Version.millisOf(captured) - chunk.now);
				}
				boolean raised = captured != 0 && version > captured;
				if (raised) {
					chunk.raised++;
				}
				// How far behind the writer's own clock (kept beside the version) was: told by the newest change only,
				// since the first rows of a long transaction are older than its commit without any clock being wrong.
				chunk.newestBehind = raised ? committedAfter - change.event().committedAtMillis() : 0;
				if (version != captured) {
					setVersion.setLong(1, version);
					setVersion.setLong(2, change.id());
					setVersion.addBatch();
					rewritten = true;
				}
				chunk.clockValue = version;
				ChangeEvent event = change.event().withHlc(version);
				if (recorded != null && recorded.size() < keep) {
					recorded.add(change.withEvent(event));
				}
				if (intoVersions) {
					RowKey key = RowKey.of(event);
					RowState current = states.containsKey(key) ? states.get(key) : loaded.get(key);
					states.put(key, MergeRule.recordLocal(current, event));
				}
			}
			if (rewritten) {
				setVersion.executeBatch();
			}
		}
		this.store.write(new HashMap<>(states));
	}

	/** Moves the cursor and the clock past what was recorded, and reports clamped versions. */
	private long finish(long start, long cursor, Chunk chunk) throws SQLException {
		if (cursor != start) {
			writeCursor(cursor);
			ClockTable.advance(this.connection, chunk.clockValue);
			this.stats.localVersion(chunk.clockValue);
			this.commitFloor.recordedThrough(cursor);
		}
		if (chunk.reachedLast && chunk.newestBehind > chunk.skew) {
			this.stats.clamped(chunk.raised);
			logger.warn("Node {}: {} local change(s) were written by a clock up to {} ms behind the time this node had "
					+ "seen before they were committed; their versions were raised to it, so that they do not lose to "
					+ "changes made before them. A write transaction held open that long (its changes take their "
					+ "versions when written, not at the commit) is the usual cause; otherwise a process writing this "
					+ "database has a clock behind: fix its time (NTP).",
					this.settings.nodeId(), chunk.raised, chunk.newestBehind);
		}
		if (chunk.clamped > 0) {
			this.stats.clamped(chunk.clamped);
			logger.warn("Node {}: {} local change(s) carried versions up to {} ms ahead of this node's clock; they were "
					+ "bounded to {} plus {} ({}). A process writing this database has a wrong clock: fix its "
					+ "time (NTP).", this.settings.nodeId(), chunk.clamped, chunk.furthest, chunk.bound,
					this.settings.maxClockSkew(), ConflictSettings.MAX_CLOCK_SKEW_PROPERTY);
		}
		return cursor;
	}

	/** The state of one recording: the clock reached so far, the bound of versions, and what was clamped. */
	private static final class Chunk {

		private long clockValue;

		private final long upper;

		private final long now;

		private int clamped;

		private long furthest;

		private final long skew;

		private int raised;

		/** What versions were bounded to, for the log. */
		private String bound = "the clock";

		private long newestBehind;

		/** Whether the changes recorded reach the change log's last one, the newest a writer committed. */
		private boolean reachedLast;

		Chunk(long clockValue, long upper, long now, long skew) {
			this.clockValue = clockValue;
			this.upper = upper;
			this.now = now;
			this.skew = skew;
		}

	}

	/**
	 * Which of this node's changes the version state holds now; call inside the caller's transaction.
	 * @return the recorded changes
	 * @throws SQLException if the meta table cannot be read
	 */
	RecordedOwnChanges recordedOwnChanges() throws SQLException {
		Map<String, Long> values = new HashMap<>();
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT key, value FROM " + META + " WHERE key IN (?, ?, ?)")) {
			statement.setString(1, ChangeCapture.CAPTURE_EPOCH_KEY);
			statement.setString(2, CURSOR_KEY);
			statement.setString(3, RESTORED_THROUGH_KEY);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					values.put(rows.getString(1), rows.getLong(2));
				}
			}
		}
		return new RecordedOwnChanges(this.settings.nodeId(), values.getOrDefault(ChangeCapture.CAPTURE_EPOCH_KEY, 0L),
				values.getOrDefault(RESTORED_THROUGH_KEY, 0L), values.getOrDefault(CURSOR_KEY, 0L));
	}

	/**
	 * Reads the cursor, the change log's last id and the node's clock in one statement: this runs before every round
	 * of the publisher and at the start of every apply batch, mostly to find that nothing is pending.
	 */
	private Progress progress() throws SQLException {
		long startedAt = this.clock.millis();
		try (PreparedStatement statement = this.connection.prepareStatement(PROGRESS_SQL)) {
			statement.setString(1, CURSOR_KEY);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				long cursor = rows.getLong(1);
				long last = rows.getLong(2);
				this.commitFloor.looked(last, startedAt);
				if (last < cursor) {
					// The log keeps its last row, so its ids never go back: it was emptied by hand (a copied file, say),
					// and what it holds now was written since and never recorded. Found after this recorder looked
					// once, the file went back under the running node: new changes would reuse ids already sent.
					if (this.lookedBefore && cursor != this.emptiedBelow) {
						WentBackMarker.mark(this.connection, this.clock.millis());
						String reason = "the change log went back while the node runs (its last id is " + last
								+ ", this node recorded up to " + cursor + "): an older copy of the database was put "
								+ "in its place, or the change log's rows were deleted by hand. Nothing more is recorded "
								+ "or sent; restart the node (and its application)";
						this.stats.changeLogWentBack(reason);
						throw new HarmonyLiteException("Node " + this.settings.nodeId() + ": " + reason);
					}
					logChangeLogReset(cursor, last);
					this.emptiedBelow = cursor;
					cursor = 0;
				}
				this.lookedBefore = true;
				// Recorded by another recorder (the publisher's or an apply batch's) since: its looks are not needed.
				this.commitFloor.recordedThrough(cursor);
				return new Progress(cursor, last, rows.getLong(3));
			}
		}
	}

	private void logChangeLogReset(long cursor, long last) {
		if (!this.resetLogged) {
			this.resetLogged = true;
			logger.warn("Node {}: the change log ends at id {} but this node recorded its changes up to id {}: it was "
					+ "emptied by hand (e.g. a file copied from another node); its changes are recorded from the start "
					+ "of the log again", this.settings.nodeId(), last, cursor);
		}
	}

	/** How far recording has come: the cursor, the change log's last id, and the node's clock. */
	private record Progress(long cursor, long last, long clock) {

		boolean pending() {
			return this.last > this.cursor;
		}

	}

	private void writeCursor(long cursor) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement(
				"INSERT INTO " + META + " (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
			statement.setString(1, CURSOR_KEY);
			statement.setLong(2, cursor);
			statement.executeUpdate();
		}
	}

	@Override
	public void close() throws SQLException {
		if (this.ownsStore) {
			this.store.close();
		}
	}

}
