package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.apply.ApplyResult;
import io.harmonylite.apply.BatchChangeException;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges this node's own changes that are still in its change log (pending, or published and not yet cleaned up) into
 * a restore image's tables by the conflict rule, so that the restored node shows its own latest writes at once: a
 * writer's read-modify-write right after the restore builds on them, not on the snapshot's older values, and their
 * echoes from the stream are then superseded like any change seen twice.
 * <p>
 * Runs on the image once the node's local state is in it (under the live database's write lock, see
 * {@link LiveRestore}). The pending changes' versions are made final first ({@link LocalChangeRecorder#finalizePending(long)}),
 * as the publisher would have done on this node before the restore: against the node's own clock, not the
 * snapshot's, since they were written before this node saw the snapshot's changes (a write made while the node was
 * stopped loses to a later one made elsewhere). Every change is then merged by {@link ChangeApplier}, the applier's
 * own path: only what is newer than the image's version state is written, per column, deletes honoured, and the
 * versions are recorded. Changes of the log without a version (only
 * ones published before versions existed) are left out: an unversioned change overwrites unconditionally, and the
 * snapshot holds their effect or newer.
 */
final class LocalChangeMerge {

	private static final Logger logger = LoggerFactory.getLogger(LocalChangeMerge.class);

	/**
	 * The position the applier keeps for the merge while it runs, removed afterwards: the change-log id stands for the
	 * sequence. A NATS stream name cannot contain a dot, so no stream of the cluster has this name.
	 */
	static final String STREAM = "harmonylite.restore.local-changes";

	private static final int CHUNK = 10_000;

	/** How many of its own changes the image may refuse before the restore is given up. */
	private static final int MAX_REFUSED = 100;

	private final ConflictSettings conflicts;

	private final ReplicatedTables replicatedTables;

	private final Clock clock;

	/**
	 * Creates a merge.
	 * @param conflicts this node's id and maximum clock skew
	 * @param replicatedTables the node's table selection
	 * @param clock this node's clock
	 */
	LocalChangeMerge(ConflictSettings conflicts, ReplicatedTables replicatedTables, Clock clock) {
		this.conflicts = conflicts;
		this.replicatedTables = replicatedTables;
		this.clock = clock;
	}

	/**
	 * Merges the node's changes into the image.
	 * @param image the image file, holding the node's local state, not in WAL mode
	 * @param ownClock the node's own clock before the restore, which the pending changes' versions follow
	 * @throws SQLException if the image cannot be read or written, or refuses too many of the changes
	 */
	void mergeInto(Path image, long ownClock) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + image.toAbsolutePath())) {
			if (!SqliteSchema.tableExists(connection, "main", ChangeCapture.CHANGE_LOG_TABLE)) {
				// A node without capture has no changes of its own.
				return;
			}
			try (LocalChangeRecorder recorder = new LocalChangeRecorder(connection, this.conflicts, this.clock,
					new ConflictStats())) {
				recorder.finalizePending(ownClock);
			}
			// The applier closes the connection it is given; closing it again above does nothing.
			try (ChangeApplier applier = new ChangeApplier(connection, this.clock, ConflictSettings.applyOnly(),
					new ConflictStats(), this.replicatedTables.tables(), this.replicatedTables.ignoreTables())) {
				merge(new ChangeLogReader(connection, this.conflicts.nodeId()), applier);
				try (PreparedStatement forget = connection.prepareStatement(
						"DELETE FROM " + SqlIdentifiers.quote(ChangeApplier.POSITION_TABLE) + " WHERE stream = ?")) {
					forget.setString(1, STREAM);
					forget.executeUpdate();
				}
			}
		}
	}

	private void merge(ChangeLogReader log, ChangeApplier applier) {
		int merged = 0;
		int superseded = 0;
		int refused = 0;
		List<CapturedChange> changes;
		long after = 0;
		while (!(changes = log.readSentAfter(after, CHUNK)).isEmpty()) {
			after = changes.get(changes.size() - 1).id();
			List<PositionedChange> batch = new ArrayList<>(changes.size());
			for (CapturedChange change : changes) {
				if (change.event().isVersioned()) {
					batch.add(new PositionedChange(applier.fittedToThisSchema(change.event()),
							new StreamPosition(STREAM, change.id())));
				}
			}
			while (!batch.isEmpty()) {
				try {
					ApplyResult result = applier.apply(batch);
					merged += result.applied() - result.superseded();
					superseded += result.superseded();
					break;
				}
				catch (BatchChangeException ex) {
					refuse(ex, ++refused);
					batch.remove(ex.index());
				}
			}
		}
		logger.info("Node {}: merged {} of its own change(s) into the restored tables ({} older than the snapshot's, "
				+ "{} refused)", this.conflicts.nodeId(), merged, superseded, refused);
	}

	/**
	 * Leaves out a change the image refuses (a constraint of the snapshot's rows): its echo meets the same refusal in
	 * the apply loop, which dead-letters it, as it would have without the merge.
	 */
	private void refuse(BatchChangeException refusal, int refused) {
		if (refused > MAX_REFUSED) {
			throw refusal;
		}
		logger.warn("Node {}: its own change at change-log id {} of table '{}' does not fit the restored tables and is "
				+ "not merged ({}); its echo from the stream is handled like any change", this.conflicts.nodeId(),
				refusal.position().sequence(), refusal.table(), refusal.getMessage());
	}

}
