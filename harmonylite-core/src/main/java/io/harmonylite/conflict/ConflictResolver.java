package io.harmonylite.conflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.ClockTable;
import io.harmonylite.conflict.MergeRule.Merge;
import io.harmonylite.conflict.Resolution.Write;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, batch by batch, what the applier writes for each received change, inside the applier's transaction: first
 * this node's own changes are recorded (see {@link LocalChangeRecorder}), then each versioned change is merged into its
 * row's state by the {@link MergeRule}, and at the end the new states and the clock are written.
 * <p>
 * The format of a change decides its rule, so that every node applies the same rule to the same message: a versioned
 * change (format 2) is merged; an unversioned one (format 1, from a node of the previous release) is applied as
 * before, unconditionally in stream order, and resets its row's state (no versions, no tombstone), which keeps nodes
 * convergent while such nodes publish.
 *
 * @since 0.1.0
 */
public final class ConflictResolver implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ConflictResolver.class);

	/**
	 * How far ahead of this node's clock a received version may be at all: no clock error a node can be running with
	 * explains more (the maximum skew is at most this long), only a clock set to the wrong day or a forged message.
	 * Applying such a version would drag every node's clock, and so every later version, that far ahead.
	 */
	public static final Duration REFUSED_AHEAD = Duration.ofDays(1);

	private final Connection connection;

	private final VersionStore store;

	private final @Nullable LocalChangeRecorder recorder;

	private final ConflictSettings settings;

	private final Clock clock;

	private final ConflictStats stats;

	// Prepared on first use, not once per batch; closed by reset() after a failed transaction.
	private @Nullable PreparedStatement advanceClock;

	private final Map<RowKey, @Nullable RowState> states = new HashMap<>();

	// In batch order, so that the version rows are written almost sorted (the store sorts them by key).
	private final Map<RowKey, @Nullable RowState> changed = new LinkedHashMap<>();

	// Each change's row, computed once per batch.
	private final Map<ChangeEvent, RowKey> keys = new IdentityHashMap<>();

	private long highest;

	private int superseded;

	private int ahead;

	private long furthestAhead;

	/** The time the batch's version furthest ahead of this node's clock stands for. */
	private long furthestAheadMillis;

	private final Set<Long> aheadOrigins = new LinkedHashSet<>();

	private long reachedClock = -1;

	/**
	 * Creates the version state's table and clock if missing.
	 * @param connection the applier's connection, in auto-commit mode
	 * @param settings this node's id (0 when it has no capture) and maximum clock skew
	 * @param clock this node's clock
	 * @param stats where superseded changes and skewed versions are counted
	 */
	public ConflictResolver(Connection connection, ConflictSettings settings, Clock clock, ConflictStats stats) {
		this.connection = connection;
		this.settings = settings;
		this.clock = clock;
		this.stats = stats;
		try {
			ClockTable.install(connection);
			this.store = new VersionStore(connection);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not create the version state of " + VersionStore.TABLE + ": "
					+ ex.getMessage() + ". Check that the database file is writable.", ex);
		}
		this.recorder = settings.recordsLocalChanges()
				? new LocalChangeRecorder(connection, this.store, false, settings, clock, stats) : null;
	}

	/**
	 * Starts a batch; call inside the batch's write transaction, before its first write. Records this node's pending
	 * changes and reads the state of the rows the batch touches.
	 * @param changes the changes the batch will resolve
	 * @throws SQLException if recording or reading fails
	 */
	public void begin(List<ChangeEvent> changes) throws SQLException {
		abandon();
		if (this.recorder != null) {
			this.recorder.record();
		}
		// In batch order: the store sorts the keys, which costs little when they arrive (almost) sorted.
		Set<RowKey> rows = new LinkedHashSet<>(changes.size() * 2);
		for (ChangeEvent change : changes) {
			RowKey key = RowKey.of(change);
			this.keys.put(change, key);
			rows.add(key);
		}
		this.states.putAll(this.store.load(rows));
	}

	/**
	 * Which of this node's own changes the version state holds, so that their echoes are skipped unread; call inside
	 * the batch's write transaction.
	 * @return the recorded changes, {@link RecordedOwnChanges#NONE} on a node without capture
	 * @throws SQLException if reading fails
	 */
	public RecordedOwnChanges recordedOwnChanges() throws SQLException {
		return (this.recorder != null) ? this.recorder.recordedOwnChanges() : RecordedOwnChanges.NONE;
	}

	/**
	 * Counts this node's own changes that came back and were skipped as {@link RecordedOwnChanges recorded}: like
	 * every change that loses on every column, they count as superseded.
	 * @param count how many
	 */
	public void ownChangesSkipped(int count) {
		this.stats.superseded(count);
	}

	/**
	 * Decides one change; call in stream order after {@link #begin(List)}.
	 * @param change the change, valid for the local schema
	 * @param live reads the row from its table, after the writes decided so far
	 * @return what to write
	 */
	public Resolution resolve(ChangeEvent change, LiveRow live) {
		RowKey key = this.keys.get(change);
		if (key == null) {
			key = RowKey.of(change);
		}
		if (!change.isVersioned()) {
			if (this.states.get(key) != null || this.changed.containsKey(key)) {
				this.states.put(key, null);
				this.changed.put(key, null);
			}
			return (change.operation() == Operation.DELETE) ? new Resolution(key, Write.DELETE_ROW, Map.of())
					: new Resolution(key, Write.UPSERT_ROW, change.row());
		}
		observe(change);
		Merge merge = MergeRule.merge(this.states.get(key), change, live);
		if (merge.superseded()) {
			this.superseded++;
			return new Resolution(key, Write.NONE, Map.of());
		}
		this.states.put(key, merge.state());
		this.changed.put(key, merge.state());
		return new Resolution(key, merge.write(), merge.values());
	}

	/**
	 * Why a received change must not be applied on account of its version: one more than {@link #REFUSED_AHEAD} ahead
	 * of this node's clock. Such a change is dead-lettered, not applied: once the wrong clock is fixed, re-applying
	 * the dead letter applies it.
	 * @param change the change
	 * @return the reason, or {@code null} when its version may be applied
	 */
	public @Nullable String refusal(ChangeEvent change) {
		if (!change.isVersioned()) {
			return null;
		}
		long aheadMillis = Version.millisOf(change.hlc()) - this.clock.millis();
		if (aheadMillis <= REFUSED_AHEAD.toMillis()) {
			return null;
		}
		return "its version is " + Duration.ofMillis(aheadMillis).toString().substring(2).toLowerCase(Locale.ROOT)
				+ " ahead of this node's clock, more than the " + REFUSED_AHEAD.toHours()
				+ "h any running clock error explains: the clock of node " + change.originNodeId()
				+ " or of this node is wrong, or the message is forged. Fix the wrong clock (NTP), then re-apply "
				+ "the dead letter";
	}

	/**
	 * Notes the batch's highest version, and the changes whose version is too far ahead of this node's clock. A version
	 * no further ahead than what this node's clock already reached (an earlier change from a wrong clock dragged every
	 * node's clock, and with it the versions of healthy nodes) is no sign of a wrong clock at its origin.
	 */
	private void observe(ChangeEvent change) {
		this.highest = Math.max(this.highest, change.hlc());
		long millis = Version.millisOf(change.hlc());
		long aheadMillis = millis - this.clock.millis();
		long skew = this.settings.maxClockSkew().toMillis();
		if (aheadMillis > skew && millis - Version.millisOf(reachedClock()) > skew) {
			this.ahead++;
			this.furthestAhead = Math.max(this.furthestAhead, aheadMillis);
			this.furthestAheadMillis = Math.max(this.furthestAheadMillis, millis);
			this.aheadOrigins.add(change.originNodeId());
		}
	}

	/** This node's clock before the batch: the highest version it recorded or applied. */
	private long reachedClock() {
		if (this.reachedClock < 0) {
			try {
				this.reachedClock = ClockTable.read(this.connection);
			}
			catch (SQLException ex) {
				throw new HarmonyLiteException("Could not read this node's clock: " + ex.getMessage(), ex);
			}
		}
		return this.reachedClock;
	}

	/**
	 * Writes the batch's new row states and moves this node's clock past every version the batch carried; call in the
	 * batch's transaction after its last write.
	 * @return how many changes of the batch were superseded (lost on every column)
	 * @throws SQLException if a write fails
	 */
	public int commit() throws SQLException {
		this.store.write(this.changed);
		if (this.highest > 0) {
			if (this.advanceClock == null) {
				this.advanceClock = this.connection.prepareStatement(ClockTable.ADVANCE_SQL);
			}
			this.advanceClock.setLong(1, this.highest);
			this.advanceClock.executeUpdate();
		}
		int count = this.superseded;
		this.stats.superseded(count);
		if (this.ahead > 0) {
			this.stats.aheadOfClock(this.ahead, new ConflictStats.AheadApplied(
					Instant.ofEpochMilli(this.furthestAheadMillis), this.aheadOrigins, this.clock.instant()));
			logger.warn("Node {}: applied {} change(s) from node(s) {} whose versions are up to {} ms ahead of this "
					+ "node's clock, more than {} ({}). The clock of one of these machines is wrong: fix it (NTP).",
					this.settings.nodeId(), this.ahead, this.aheadOrigins, this.furthestAhead,
					this.settings.maxClockSkew(), ConflictSettings.MAX_CLOCK_SKEW_PROPERTY);
		}
		abandon();
		return count;
	}

	/**
	 * Forgets the batch in progress, e.g. after its transaction rolled back.
	 */
	public void abandon() {
		this.states.clear();
		this.changed.clear();
		this.keys.clear();
		this.highest = 0;
		this.superseded = 0;
		this.ahead = 0;
		this.furthestAhead = 0;
		this.furthestAheadMillis = 0;
		this.aheadOrigins.clear();
		this.reachedClock = -1;
	}

	/**
	 * Forgets the batch in progress and prepares the version table's statements again, after a transaction that
	 * failed (sqlite-jdbc finalizes a statement that fails with an I/O error or a full disk).
	 * @throws SQLException if the statements cannot be prepared
	 */
	public void reset() throws SQLException {
		abandon();
		closeClockStatement();
		this.store.reset();
	}

	private void closeClockStatement() {
		if (this.advanceClock != null) {
			try {
				this.advanceClock.close();
			}
			catch (SQLException ex) {
				// A finalized statement has nothing left to close.
			}
			this.advanceClock = null;
		}
	}

	@Override
	public void close() throws SQLException {
		closeClockStatement();
		this.store.close();
	}

}
