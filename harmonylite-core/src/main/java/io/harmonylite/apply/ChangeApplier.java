package io.harmonylite.apply;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ApplyStatements.Kind;
import io.harmonylite.apply.ApplyStatements.WriteStatement;
import io.harmonylite.capture.ApplyMarker;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.WentBackMarker;
import io.harmonylite.conflict.ConflictResolver;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.RecordedOwnChanges;
import io.harmonylite.conflict.Resolution;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.schema.ColumnRenames;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies replicated changes to the local database in batches, one transaction per batch together with the stream
 * positions reached, so a crash can neither lose nor double-apply a change.
 * <p>
 * A versioned change is merged by the conflict rule ({@link ConflictResolver}): only the columns whose version is newer
 * than the row's are written (an UPDATE of those columns; the whole row, UPSERTed, when it is missing or deleted
 * here; a DELETE when a delete wins), older changes are skipped and counted, and the rows' new versions are stored in
 * the same transaction. This node's own changes are recorded at the start of every batch, so they take part in these
 * decisions before their echo comes back. An unversioned change (from a node of the previous release) is applied as
 * before: inserts and updates become an UPSERT on the primary key ({@code INSERT ... ON CONFLICT (pk) DO UPDATE}, never
 * {@code INSERT OR REPLACE}, which deletes first and fires {@code ON DELETE CASCADE}), deletes remove by primary key.
 * Columns a change does not carry keep their value. A change whose key holds NULL is rejected, since SQLite treats
 * NULL keys as distinct and such a key identifies no row reliably. Every change is checked against the real schema
 * first (see
 * {@link InvalidChangeException}); identifiers are quoted and values are bound parameters. Writes are made under the
 * {@link ApplyMarker}, so capture triggers do not record them, and with foreign-key enforcement off, so rows that
 * arrive before their parents are accepted.
 * <p>
 * The applier owns its connection and closes it. It serializes its own calls; use one applier per database.
 *
 * @since 0.1.0
 */
public final class ChangeApplier implements AutoCloseable {

	/** The table holding each stream's applied position. */
	public static final String POSITION_TABLE = PositionTable.NAME;

	private static final Logger logger = LoggerFactory.getLogger(ChangeApplier.class);

	private final Connection connection;

	private final Clock clock;

	private final PositionTable positionTable;

	private final StreamIdentityTable streamIdentities;

	private final PreparedStatement schemaVersionQuery;

	private final ChangeValidator validator;

	private final ApplyStatements statements;

	private final LiveRows liveRows;

	private final ConflictResolver resolver;

	private final TransactionStatements transaction;

	private final long nodeId;

	private final ConflictStats conflictStats;

	private final long startedAtMillis;

	private static final ToLongFunction<String> NOTHING_EXPECTED = (stream) -> 0;

	/** The positions the batch being applied expects at least, per stream. */
	private ToLongFunction<String> expected = NOTHING_EXPECTED;

	/** Set once the database's positions were found below those applied; nothing is applied any more. */
	private volatile @Nullable DatabaseWentBackException wentBack;

	/** The dropped columns of the previous schema already warned about, as table and column. */
	private final Set<String> droppedColumnsWarned = new HashSet<>();

	/** The renames of the previous schema already logged, as table and renames. */
	private final Set<String> renamesLogged = new HashSet<>();

	private long knownSchemaVersion = -1;

	private boolean closed;

	/**
	 * Creates an applier on a connection it then owns; see {@link #open(Path)}.
	 * @param connection a connection in auto-commit mode, as opened by {@link SqliteConnections#open(Path)}
	 */
	public ChangeApplier(Connection connection) {
		this(connection, Clock.systemUTC());
	}

	/**
	 * Creates an applier on a connection it then owns, with the clock that stamps position updates, for a database
	 * without change capture (no local changes to record).
	 * @param connection a connection in auto-commit mode, as opened by {@link SqliteConnections#open(Path)}
	 * @param clock the clock for {@code updated_at} and clock-skew checks
	 */
	public ChangeApplier(Connection connection, Clock clock) {
		this(connection, clock, ConflictSettings.applyOnly(), new ConflictStats());
	}

	/**
	 * Creates an applier on a connection it then owns.
	 * @param connection a connection in auto-commit mode, as opened by {@link SqliteConnections#open(Path)}
	 * @param clock the clock for {@code updated_at} and clock-skew checks
	 * @param conflicts this node's id, whose local changes are recorded at the start of every batch (capture must be
	 * installed), and the maximum clock skew
	 * @param conflictStats where superseded changes and skewed versions are counted
	 */
	public ChangeApplier(Connection connection, Clock clock, ConflictSettings conflicts, ConflictStats conflictStats) {
		this(connection, clock, conflicts, conflictStats, List.of(), List.of());
	}

	/**
	 * Creates an applier on a connection it then owns, for a node that replicates only some tables: a change of any
	 * other table is rejected as invalid (and dead-lettered), exactly like a change of an SQLite or HarmonyLite table.
	 * @param connection a connection in auto-commit mode, as opened by {@link SqliteConnections#open(Path)}
	 * @param clock the clock for {@code updated_at} and clock-skew checks
	 * @param conflicts this node's id, whose local changes are recorded at the start of every batch (capture must be
	 * installed), and the maximum clock skew
	 * @param conflictStats where superseded changes and skewed versions are counted
	 * @param tables the tables this node replicates ({@code harmonylite.tables}); empty means every user table
	 * @param ignoreTables the tables it never replicates ({@code harmonylite.ignore-tables})
	 */
	public ChangeApplier(Connection connection, Clock clock, ConflictSettings conflicts, ConflictStats conflictStats,
			List<String> tables, List<String> ignoreTables) {
		this.connection = Objects.requireNonNull(connection, "connection");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.nodeId = conflicts.nodeId();
		this.conflictStats = Objects.requireNonNull(conflictStats, "conflictStats");
		this.startedAtMillis = clock.millis();
		try {
			disableForeignKeys(connection);
			ApplyMarker.install(connection);
			this.positionTable = new PositionTable(connection);
			this.streamIdentities = new StreamIdentityTable(connection);
			DeadLetteredChanges.create(connection);
			this.schemaVersionQuery = connection.prepareStatement("PRAGMA schema_version");
			this.resolver = new ConflictResolver(connection, conflicts, clock,
					Objects.requireNonNull(conflictStats, "conflictStats"));
		}
		catch (SQLException | RuntimeException ex) {
			closeAfterFailure(connection, ex);
			if (ex instanceof HarmonyLiteException harmonyLite) {
				throw harmonyLite;
			}
			throw new HarmonyLiteException("Could not prepare the database for applying changes: " + ex.getMessage()
					+ ". Check that the database file is writable.", ex);
		}
		this.validator = new ChangeValidator(connection, (tables.isEmpty() && ignoreTables.isEmpty()) ? null
				: new ChangeCapture(connection, tables, ignoreTables));
		this.statements = new ApplyStatements(connection, this.validator::columnsOf);
		this.liveRows = new LiveRows(connection);
		this.transaction = new TransactionStatements(connection);
	}

	/**
	 * Opens a database with {@link SqliteConnections#open(Path)} and creates an applier on it.
	 * @param database the database file
	 * @return the applier
	 */
	public static ChangeApplier open(Path database) {
		return new ChangeApplier(SqliteConnections.open(database));
	}

	/**
	 * Applies a batch in one transaction: changes past their stream's stored position are written, the others are
	 * skipped, and the highest position reached per stream is stored.
	 * @param batch the changes in stream order
	 * @return how many changes were applied and skipped, and the streams' positions
	 * @throws InvalidChangeException if a change does not fit the local schema; nothing was written
	 * @throws ChangeApplyException if SQLite refused a change; nothing was written
	 */
	public synchronized ApplyResult apply(List<PositionedChange> batch) {
		return apply(batch, NOTHING_EXPECTED);
	}

	/**
	 * Applies a batch as {@link #apply(List)} does, once the database's positions are checked against those the
	 * caller knows it applied: a position below that means the file went back under the node (an older copy put in
	 * its place while it runs), and applying on would store a position past changes the file no longer holds.
	 * @param batch the changes in stream order
	 * @param applied the position the caller applied up to, per stream
	 * @return how many changes were applied and skipped, and the streams' positions
	 * @throws DatabaseWentBackException if a stored position is below the one applied; nothing was written, and every
	 * later batch fails the same way
	 */
	public synchronized ApplyResult apply(List<PositionedChange> batch, ToLongFunction<String> applied) {
		ensureOpen();
		if (this.wentBack != null) {
			throw this.wentBack;
		}
		if (batch.isEmpty()) {
			return new ApplyResult(0, 0, Map.of(), 0);
		}
		this.expected = applied;
		ApplyResult result;
		try {
			result = applyInTransaction(batch, false);
		}
		catch (DatabaseWentBackException ex) {
			// Rolled back: the mark is written on its own, so that the next start renews the capture epoch.
			WentBackMarker.mark(this.connection, this.clock.millis());
			throw ex;
		}
		catch (BatchWriteFailure failure) {
			// Batched writes do not tell which change failed: replay one by one to name it (or succeed, if
			// the database changed in between).
			logger.debug("A batched write failed ({}); replaying the batch change by change",
					failure.getCause().getMessage());
			result = applyInTransaction(batch, true);
		}
		finally {
			this.expected = NOTHING_EXPECTED;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Applied {} changes ({} superseded) and skipped {}; positions {}", result.applied(),
					result.superseded(), result.skipped(), result.positions());
		}
		return result;
	}

	/**
	 * Writes a batch as {@link #apply} would, change by change, in a transaction that is always rolled back: whether
	 * it would apply now, for an operator looking at a message a shard waits on.
	 * @param batch the changes in stream order
	 * @return {@code null} when it would apply; otherwise why not, with SQLite's result code and whether that refusal
	 * is permanent (the message would be dead-lettered) or transient (it would be retried)
	 */
	public synchronized @Nullable String dryRun(List<PositionedChange> batch) {
		ensureOpen();
		begin("try a batch of " + batch.size() + " changes");
		RuntimeException done = new IllegalStateException("dry run");
		try {
			writeBatch(batch, true);
			return null;
		}
		catch (InvalidChangeException ex) {
			return "it does not fit this node's schema (permanent: it would be dead-lettered): " + ex.getMessage();
		}
		catch (ChangeApplyException ex) {
			return "SQLite refuses it with " + ApplyFailure.resultCode(ex) + " ("
					+ ((ApplyFailure.of(ex) == ApplyFailure.PERMANENT) ? "permanent: it would be dead-lettered"
							: "transient: it would be retried")
					+ "): " + ex.getMessage();
		}
		catch (SQLException | HarmonyLiteException ex) {
			return "it cannot be written now (transient: it would be retried): " + ex.getMessage();
		}
		finally {
			forgetStatements(done);
			rollback(done);
		}
	}

	/**
	 * Why the database can no longer be applied to: its file went back under the node.
	 * @return the reason, {@code null} while it has not
	 */
	public @Nullable String wentBack() {
		DatabaseWentBackException failure = this.wentBack;
		return (failure != null) ? failure.getMessage() : null;
	}

	/**
	 * Fits a change sent by a node that still runs the previous schema to this node's table, which a migration here
	 * changed already: columns the migration renamed (see {@link ColumnRenames}) take their new names, and the values
	 * of columns it dropped are left out, with a WARN once per column, since they belong to a column removed on
	 * purpose. Key columns are always kept, so a change whose key no longer fits is still rejected.
	 * @param event the change
	 * @return the change fitted to the local columns, or the change itself when it fits already
	 */
	public ChangeEvent fittedToThisSchema(ChangeEvent event) {
		return fittedToThisSchema(event, true);
	}

	/**
	 * Fits a change of another schema to this node's table (see {@link #fittedToThisSchema(ChangeEvent)}).
	 * @param event the change
	 * @param followRenames whether a column of the change missing here takes the name of the local column in its place
	 * (one migration's rename); otherwise columns are matched by name only, for a change that may be several
	 * migrations old
	 * @return the change fitted to the local columns, or the change itself when it fits already
	 */
	public synchronized ChangeEvent fittedToThisSchema(ChangeEvent event, boolean followRenames) {
		ensureOpen();
		try {
			checkSchemaVersion();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the schema version: " + ex.getMessage(), ex);
		}
		Set<String> local = this.validator.columnsOf(event.table());
		if (local == null || local.containsAll(event.row().keySet())) {
			return event;
		}
		Map<String, String> renames = followRenames ? ColumnRenames.between(List.copyOf(event.row().keySet()),
				this.validator.orderedColumnsOf(event.table())) : Map.of();
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		event.row().forEach((column, value) -> {
			String name = renames.getOrDefault(column, column);
			if (local.contains(name) || event.primaryKey().contains(column)) {
				row.put(name, value);
			}
			else if (value != null && this.droppedColumnsWarned.add(event.table() + "\0" + column)) {
				logger.warn("Changes of table '{}' from nodes still on the previous schema write column '{}', which "
						+ "this node's migration removed: their values of it are left out here (a column renamed in "
						+ "the same migration as other changes is taken for dropped; see \"Renaming\" in "
						+ "docs/rolling-upgrades.md)", event.table(), column);
			}
		});
		if (!renames.isEmpty() && this.renamesLogged.add(event.table() + renames)) {
			logger.info("Changes of table '{}' from nodes still on the previous schema are written with this node's "
					+ "column names: {}", event.table(), renames);
		}
		Set<String> changed = null;
		if (event.changedColumns() != null) {
			changed = new HashSet<>();
			for (String column : event.changedColumns()) {
				changed.add(renames.getOrDefault(column, column));
			}
			changed.retainAll(row.keySet());
		}
		List<String> key = event.primaryKey().stream().map((column) -> renames.getOrDefault(column, column)).toList();
		return new ChangeEvent(event.originNodeId(), event.changeId(), event.table(), event.operation(), row, key,
				event.committedAtMillis(), event.schemaHash(), event.hlc(), changed);
	}

	/**
	 * Advances a stream's position without applying anything, in its own transaction; used after a change was
	 * dead-lettered. A position behind the stored one changes nothing.
	 * @param position the position to move to
	 */
	public synchronized void skip(StreamPosition position) {
		skip(position, null);
	}

	/**
	 * Advances a stream's position past a message that was dead-lettered, as {@link #skip(StreamPosition)} does, and
	 * records in the same transaction that this node lacks the letter's changes (see {@link DeadLetteredChanges}).
	 * @param position the position to move to
	 * @param lacked the letter of changes meant for this node's tables, {@code null} for junk no node applies
	 */
	public synchronized void skip(StreamPosition position, DeadLetteredChanges.@Nullable Letter lacked) {
		ensureOpen();
		begin("skip stream '" + position.stream() + "' to sequence " + position.sequence());
		try {
			long current = this.positionTable.read(position.stream());
			if (position.sequence() > current) {
				this.positionTable.write(position.stream(), position.sequence(), this.clock.millis());
			}
			if (lacked != null) {
				DeadLetteredChanges.record(this.connection, lacked, this.clock.millis());
			}
			execute("COMMIT");
			if (position.sequence() > current) {
				logger.info("Stream '{}' skipped from sequence {} to {}", position.stream(), current,
						position.sequence());
			}
		}
		catch (SQLException | RuntimeException ex) {
			forgetStatements(ex);
			rollback(ex);
			throw new HarmonyLiteException("Could not skip stream '" + position.stream() + "' to sequence "
					+ position.sequence() + ": " + ex.getMessage() + ". The position did not move.", ex);
		}
	}

	/**
	 * Records, in one transaction, that this node lacks the changes of dead letters whose message's position does not
	 * move (changes of a message whose other changes are applied); see {@link DeadLetteredChanges}.
	 * @param lacked the letters
	 */
	public synchronized void deadLettered(List<DeadLetteredChanges.Letter> lacked) {
		ensureOpen();
		begin("record " + lacked.size() + " dead letter(s)");
		try {
			for (DeadLetteredChanges.Letter letter : lacked) {
				DeadLetteredChanges.record(this.connection, letter, this.clock.millis());
			}
			execute("COMMIT");
		}
		catch (SQLException | RuntimeException ex) {
			rollback(ex);
			throw new HarmonyLiteException("Could not record " + lacked.size() + " dead letter(s) in "
					+ DeadLetteredChanges.TABLE + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * The changes of a batch that do not fit this node's schema, checked as {@link #apply} checks them, without
	 * writing anything: to find all of them in one pass.
	 * @param batch the changes
	 * @return by index in the batch, why each does not fit (as {@link InvalidChangeException}'s message); empty when
	 * every change fits
	 */
	public synchronized Map<Integer, String> misfits(List<PositionedChange> batch) {
		ensureOpen();
		try {
			checkSchemaVersion();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the schema version: " + ex.getMessage(), ex);
		}
		Map<Integer, String> misfits = new TreeMap<>();
		for (int i = 0; i < batch.size(); i++) {
			try {
				validate(i, batch.get(i));
			}
			catch (InvalidChangeException ex) {
				misfits.put(i, ex.getMessage());
			}
		}
		return misfits;
	}

	/**
	 * Forgets that this node lacks a dead letter's changes, once they were re-applied here.
	 * @param letter the letter's sequence in the dead-letter stream
	 */
	public synchronized void reapplied(long letter) {
		ensureOpen();
		try {
			DeadLetteredChanges.forget(this.connection, letter);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not forget re-applied dead letter " + letter + " in "
					+ DeadLetteredChanges.TABLE + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Checks that the stored position of a stream belongs to the stream as it is now, not to an earlier stream of the
	 * same name that was deleted; records the stream's identity when none is known or nothing was applied yet.
	 * @param stream the stream name
	 * @param identity what tells this stream from another of the same name (its creation time)
	 * @return {@code false} when the stored position belongs to another stream
	 */
	public synchronized boolean confirmStreamIdentity(String stream, String identity) {
		ensureOpen();
		try {
			return this.streamIdentities.confirm(stream, identity, this.positionTable.read(stream));
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException(
					"Could not check the identity of stream '" + stream + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * The stored position of a stream.
	 * @param stream the stream name
	 * @return the sequence of the last change applied or skipped, 0 when none
	 */
	public synchronized long position(String stream) {
		ensureOpen();
		try {
			return this.positionTable.read(stream);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException(
					"Could not read the position of stream '" + stream + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * Every stored stream position.
	 * @return stream name to sequence, sorted by stream name
	 */
	public synchronized Map<String, Long> positions() {
		ensureOpen();
		try {
			return Collections.unmodifiableMap(this.positionTable.readAll());
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the stream positions: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The {@code PRAGMA schema_version} the last batch was checked against.
	 * @return the schema version, -1 before the first batch
	 */
	public synchronized long schemaVersion() {
		return this.knownSchemaVersion;
	}

	/**
	 * Forgets the cached table shapes and statements, so the next batch is checked against the schema as it is now.
	 * <p>
	 * The applier also notices schema changes by itself (through {@code PRAGMA schema_version}) at the start of each
	 * batch; call this after a migration to be explicit.
	 */
	public synchronized void refreshSchema() {
		ensureOpen();
		forgetSchema(-1);
	}

	private void forgetSchema(long schemaVersion) {
		this.validator.refresh();
		this.statements.clear();
		this.liveRows.clear();
		this.knownSchemaVersion = schemaVersion;
	}

	/**
	 * Closes the cached statements and the connection; does nothing when already closed.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.statements.close();
		this.liveRows.close();
		this.transaction.close();
		try (Connection owned = this.connection) {
			this.schemaVersionQuery.close();
			this.positionTable.close();
			this.resolver.close();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not close the apply connection: " + ex.getMessage(), ex);
		}
	}

	private ApplyResult applyInTransaction(List<PositionedChange> batch, boolean oneByOne) {
		begin("apply a batch of " + batch.size() + " changes");
		try {
			ApplyResult result = writeBatch(batch, oneByOne);
			this.transaction.execute("COMMIT");
			warnOfMissingRows(this.statements.takeMissingRows());
			return result;
		}
		catch (SQLException ex) {
			forgetStatements(ex);
			rollback(ex);
			throw new HarmonyLiteException("Could not apply a batch of " + batch.size() + " changes: "
					+ ex.getMessage() + ". The batch was rolled back and no stream position moved.", ex);
		}
		catch (RuntimeException | Error ex) {
			forgetStatements(ex);
			rollback(ex);
			throw ex;
		}
	}

	/**
	 * Closes the cached write statements and row queries after a failed batch, so the next attempt prepares them
	 * afresh. sqlite-jdbc leaves a failed statement unusable: it finalizes it on most errors (later calls fail with
	 * "statement is not executing"), and after a constraint error it keeps the failed bindings and leaves other
	 * statements of the same flush with their queued batches, so reusing them writes or blames the wrong change. The
	 * position and version tables' statements are prepared again for the same reason.
	 */
	private void forgetStatements(Throwable failure) {
		this.statements.clear();
		this.liveRows.clear();
		this.transaction.reset();
		try {
			this.positionTable.reset();
			this.resolver.reset();
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
	}

	private ApplyResult writeBatch(List<PositionedChange> batch, boolean oneByOne) throws SQLException {
		checkSchemaVersion();
		Map<String, Long> stored = new HashMap<>();
		for (PositionedChange change : batch) {
			String stream = change.position().stream();
			if (!stored.containsKey(stream)) {
				long position = this.positionTable.read(stream);
				long applied = this.expected.applyAsLong(stream);
				if (position < applied) {
					this.wentBack = new DatabaseWentBackException(stream, position, applied);
					logger.error("Node {}: {}", this.nodeId, this.wentBack.getMessage());
					throw this.wentBack;
				}
				stored.put(stream, position);
			}
		}
		RecordedOwnChanges own = holdsOwnChanges(batch) ? this.resolver.recordedOwnChanges()
				: RecordedOwnChanges.NONE;
		// Select and validate the whole batch before the first write.
		Map<String, Long> reached = new HashMap<>(stored);
		boolean[] selected = new boolean[batch.size()];
		boolean[] toWrite = new boolean[batch.size()];
		List<ChangeEvent> events = new ArrayList<>(batch.size());
		int ownSkipped = 0;
		for (int i = 0; i < batch.size(); i++) {
			PositionedChange change = batch.get(i);
			StreamPosition position = change.position();
			// A message may carry several changes: they share a sequence and follow one another in the batch.
			boolean sameMessage = i > 0 && selected[i - 1] && batch.get(i - 1).position().equals(position);
			if (position.sequence() <= reached.get(position.stream()) && !sameMessage) {
				continue;
			}
			MessageOrigin origin = change.origin();
			if (origin != null && origin.nodeId() == own.nodeId() && origin.captureEpoch() != own.captureEpoch()) {
				clashingNodeId(change.event(), origin);
			}
			if (origin != null && own.contains(change.event(), origin.captureEpoch())) {
				// This node's own change coming back: its row holds its version or a newer one, so it cannot win.
				ownSkipped++;
			}
			else {
				validate(i, change);
				toWrite[i] = true;
				events.add(change.event());
			}
			selected[i] = true;
			reached.put(position.stream(), position.sequence());
		}
		int superseded = ownSkipped;
		if (!events.isEmpty()) {
			this.resolver.begin(events);
			this.transaction.execute(ApplyMarker.SET_SQL);
			for (int i = 0; i < batch.size(); i++) {
				if (toWrite[i]) {
					write(i, batch.get(i), oneByOne);
				}
			}
			flush(oneByOne);
			this.transaction.execute(ApplyMarker.CLEAR_SQL);
			superseded += this.resolver.commit();
		}
		this.resolver.ownChangesSkipped(ownSkipped);
		long now = this.clock.millis();
		for (Map.Entry<String, Long> entry : reached.entrySet()) {
			if (entry.getValue() > stored.get(entry.getKey())) {
				this.positionTable.write(entry.getKey(), entry.getValue(), now);
			}
		}
		int applied = events.size() + ownSkipped;
		return new ApplyResult(applied, batch.size() - applied, reached, superseded);
	}

	/** Whether a batch holds changes of this node whose message names its capture epoch. */
	/**
	 * Reports a change of this node's id from another database committed after this node started: only another node
	 * running with the same id publishes one (changes of a database this node replaced were committed before).
	 */
	private void clashingNodeId(ChangeEvent event, MessageOrigin origin) {
		if (event.committedAtMillis() < this.startedAtMillis) {
			return;
		}
		ConflictStats.NodeIdClash clash = new ConflictStats.NodeIdClash(this.nodeId,
				"its database has capture epoch " + origin.captureEpoch(), Instant.ofEpochMilli(event.committedAtMillis()));
		if (this.conflictStats.nodeIdClash(clash)) {
			logger.error("Node {}: another node runs with harmonylite.node-id={}: it published change {} (table '{}') "
					+ "from another database (capture epoch {}) at {}, after this node started. Give every node its "
					+ "own id and restart the one that is wrong: two nodes with one id tie on versions and take each "
					+ "other's changes for their own", this.nodeId, this.nodeId, event.changeId(), event.table(),
					origin.captureEpoch(), clash.seenAt());
		}
	}

	private boolean holdsOwnChanges(List<PositionedChange> batch) {
		if (this.nodeId == 0) {
			return false;
		}
		for (PositionedChange change : batch) {
			if (change.origin() != null && change.event().originNodeId() == this.nodeId) {
				return true;
			}
		}
		return false;
	}

	private void validate(int index, PositionedChange change) {
		ChangeEvent event = change.event();
		@Nullable String problem;
		try {
			problem = this.validator.checkShape(event);
			if (problem == null) {
				problem = this.validator.checkValues(event);
			}
			if (problem == null) {
				problem = this.resolver.refusal(event);
			}
		}
		catch (RuntimeException ex) {
			if (!ApplyFailure.isUnexpected(ex)) {
				throw ex;
			}
			problem = unexpected("checking", ex);
			logger.error("Node {}: {}", this.nodeId, problem, ex);
		}
		if (problem != null) {
			throw new InvalidChangeException(index, change.position(), event.table(), problem);
		}
	}

	/** Resolves one change by the conflict rule and writes what won: queued in a JDBC batch, or at once. */
	private void write(int index, PositionedChange change, boolean oneByOne) {
		ChangeEvent event = change.event();
		try {
			Resolution resolution = this.resolver.resolve(event, () -> {
				// The read must see the writes decided before it.
				flush(oneByOne);
				return this.liveRows.read(event, this.validator.columnsOf(event.table()));
			});
			Map<String, @Nullable Object> values = resolution.values();
			WriteStatement statement = switch (resolution.write()) {
				case NONE -> null;
				case DELETE_ROW -> this.statements.statement(event.table(), event.primaryKey(), Kind.DELETE, Set.of());
				case UPSERT_ROW -> {
					if (values != event.row()) {
						// A row brought back from its ghost may hold a column this node has since dropped.
						values = onlyLocalColumns(event.table(), values);
					}
					yield this.statements.statement(event.table(), event.primaryKey(), Kind.UPSERT, values.keySet());
				}
				case UPDATE_COLUMNS -> {
					Set<String> columns = withoutKey(values.keySet(), event.primaryKey());
					yield columns.isEmpty() ? null
							: this.statements.statement(event.table(), event.primaryKey(), Kind.UPDATE, columns);
				}
			};
			if (statement == null) {
				return;
			}
			if (oneByOne) {
				this.statements.execute(statement, values, event.row());
			}
			else {
				this.statements.add(statement, resolution.row(), values, event.row());
			}
		}
		catch (SQLException ex) {
			if (!oneByOne) {
				throw new BatchWriteFailure(ex);
			}
			throw new ChangeApplyException(index, change.position(), event.table(), event.operation(), ex);
		}
		catch (RuntimeException ex) {
			if (!ApplyFailure.isUnexpected(ex) || ex instanceof BatchWriteFailure) {
				throw ex;
			}
			logger.error("Node {}: {}", this.nodeId, unexpected("writing", ex), ex);
			throw new ChangeApplyException(index, change.position(), event.table(), event.operation(), ex);
		}
	}

	private void warnOfMissingRows(Map<String, Integer> missing) {
		missing.forEach((table, rows) -> logger.warn("Node {}: {} row(s) of table '{}' that changes from other nodes "
				+ "update were missing here (deleted outside HarmonyLite's capture, e.g. by a rebuild of the table that "
				+ "lost its rows): each was written whole from its change. Rows of that table that no node changes again "
				+ "stay missing here: write them again, or restore a snapshot", this.nodeId, rows, table));
	}

	private static String unexpected(String doing, RuntimeException failure) {
		return "HarmonyLite failed " + doing + " this change with an unexpected " + failure
				+ " (a defect or an input nobody foresaw; please report it with this message): it would fail the same "
				+ "way each time";
	}

	private void flush(boolean oneByOne) {
		try {
			this.statements.flush();
		}
		catch (SQLException ex) {
			if (oneByOne) {
				throw new HarmonyLiteException("Could not write the last changes of a batch: " + ex.getMessage(), ex);
			}
			throw new BatchWriteFailure(ex);
		}
	}

	private Map<String, @Nullable Object> onlyLocalColumns(String table, Map<String, @Nullable Object> values) {
		return ApplyStatements.onlyColumns(this.validator.columnsOf(table), values);
	}

	private static Set<String> withoutKey(Set<String> columns, List<String> primaryKey) {
		for (String key : primaryKey) {
			if (columns.contains(key)) {
				Set<String> rest = new LinkedHashSet<>(columns);
				primaryKey.forEach(rest::remove);
				return rest;
			}
		}
		return columns;
	}

	private void checkSchemaVersion() throws SQLException {
		long version;
		try (ResultSet rows = this.schemaVersionQuery.executeQuery()) {
			rows.next();
			version = rows.getLong(1);
		}
		if (version != this.knownSchemaVersion) {
			if (this.knownSchemaVersion != -1) {
				logger.info("Schema changed (version {} to {}); re-reading table definitions", this.knownSchemaVersion,
						version);
			}
			forgetSchema(version);
		}
	}

	private void begin(String action) {
		try {
			this.transaction.execute("BEGIN IMMEDIATE");
		}
		catch (SQLException ex) {
			this.transaction.reset();
			throw new HarmonyLiteException("Could not start a write transaction to " + action + ": " + ex.getMessage()
					+ ". Another connection may hold the write lock for longer than the busy timeout.", ex);
		}
	}

	private void rollback(Throwable failure) {
		try {
			execute("ROLLBACK");
		}
		catch (SQLException ex) {
			// SQLite may already have rolled back by itself (for example after SQLITE_FULL).
			failure.addSuppressed(ex);
		}
	}

	private void execute(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("This change applier is closed");
		}
	}

	private static void disableForeignKeys(Connection connection) throws SQLException {
		if (!connection.getAutoCommit()) {
			throw new HarmonyLiteException("The apply connection must be in auto-commit mode: the applier runs its "
					+ "own transactions, and PRAGMA foreign_keys cannot change inside one");
		}
		try (Statement statement = connection.createStatement()) {
			// Replicated rows may arrive before their parents: enforcement must be off for this connection.
			statement.execute("PRAGMA foreign_keys = OFF");
			try (ResultSet rows = statement.executeQuery("PRAGMA foreign_keys")) {
				if (rows.next() && rows.getInt(1) != 0) {
					throw new HarmonyLiteException("Could not turn off foreign-key enforcement on the apply "
							+ "connection; open it with SqliteConnections.open and outside a transaction");
				}
			}
		}
	}

	/** A batched write failed; the batch is replayed change by change to name the failing change. */
	private static final class BatchWriteFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		BatchWriteFailure(SQLException cause) {
			super(cause.getMessage(), cause, false, false);
		}

	}

	private static void closeAfterFailure(Connection connection, Exception failure) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
	}

}
