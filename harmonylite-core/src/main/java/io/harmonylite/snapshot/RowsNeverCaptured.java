package io.harmonylite.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the rows of a node that restores a snapshot before it ever replicated: rows its replicated tables held before
 * HarmonyLite ran there were never captured, so the snapshot replaces them. A copy of the database as it was is kept
 * next to it ({@code <db>.before-restore-<snapshot id>}) and the node says so, so that nothing is lost silently.
 *
 * @since 0.1.0
 */
public final class RowsNeverCaptured {

	private static final Logger logger = LoggerFactory.getLogger(RowsNeverCaptured.class);

	private final long nodeId;

	private final Path database;

	private final ReplicatedTables replicatedTables;

	/**
	 * Creates the keeper.
	 * @param nodeId this node's id, for the log
	 * @param database the live database file
	 * @param replicatedTables the node's table selection
	 */
	public RowsNeverCaptured(long nodeId, Path database, ReplicatedTables replicatedTables) {
		this.nodeId = nodeId;
		this.database = database;
		this.replicatedTables = replicatedTables;
	}

	/**
	 * Copies the database before a restore replaces it, when its replicated tables hold rows; call only on a node
	 * without replication state, whose rows were never captured.
	 * @param snapshotId the snapshot about to be restored
	 * @return the copy, or {@code null} when the replicated tables are empty (nothing is copied)
	 * @throws SnapshotException if the rows cannot be counted or the copy cannot be written; restore nothing then
	 */
	public @Nullable Path keepBeforeRestoring(String snapshotId) {
		return keepBeforeRestoring(snapshotId, count());
	}

	/**
	 * Copies the database before a restore replaces it, for a node that held rows never captured when it started
	 * (counted then: it may have applied replicated rows since).
	 * @param snapshotId the snapshot about to be restored
	 * @param rows how many rows its replicated tables held before it replicated
	 * @return the copy, or {@code null} when there were none (nothing is copied)
	 * @throws SnapshotException if the copy cannot be written; restore nothing then
	 */
	public @Nullable Path keepBeforeRestoring(String snapshotId, long rows) {
		if (rows == 0) {
			return null;
		}
		Path copy = freeName(snapshotId);
		try (Connection connection = SqliteConnections.open(this.database)) {
			try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
				vacuum.setString(1, copy.toAbsolutePath().toString());
				vacuum.execute();
			}
			logger.warn("Node {}: its replicated tables hold {} row(s) written before HarmonyLite ran here, never "
					+ "captured (some may equal rows of the snapshot), which snapshot {} replaces; the database as it "
					+ "was is kept in {}: copy back what the cluster should have (as new writes, which are then "
					+ "replicated), then delete it", this.nodeId,
					rows, snapshotId, copy);
			return copy;
		}
		catch (SQLException ex) {
			throw new SnapshotException("Node " + this.nodeId + " could not keep a copy of " + this.database
					+ " before restoring snapshot " + snapshotId + " over its rows that were never captured: "
					+ ex.getMessage() + "; nothing was restored. Check that the database's directory has room for a "
					+ "copy", ex);
		}
	}

	/**
	 * {@code <db>.before-restore-<snapshot id>}, or with {@code -2}, {@code -3}, ... when an earlier restore of the same
	 * snapshot kept one already: a copy is never overwritten, it may hold the only rows left of another restore.
	 */
	private Path freeName(String snapshotId) {
		String name = this.database.getFileName() + ".before-restore-" + snapshotId;
		Path copy = this.database.resolveSibling(name);
		for (int n = 2; Files.exists(copy); n++) {
			copy = this.database.resolveSibling(name + "-" + n);
		}
		return copy;
	}

	/**
	 * How many rows the replicated tables hold; call only on a node without replication state, whose rows were never
	 * captured.
	 * @return the number of rows
	 * @throws SnapshotException if the rows cannot be counted
	 */
	public long count() {
		return countByTable().values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * Says that the rows a node without replication state holds stay on it only, when it starts from the streams
	 * without restoring a snapshot: the streams never held them. Nothing is said when its replicated tables are empty.
	 * @param why why no snapshot was restored
	 */
	public void warnNotReplicated(String why) {
		Map<String, Long> rows;
		try {
			rows = countByTable();
		}
		catch (SnapshotException ex) {
			logger.warn("Node {}: {}; rows its replicated tables held before HarmonyLite ran here are not replicated, and "
					+ "could not be counted: {}", this.nodeId, why, ex.getMessage());
			return;
		}
		rows.values().removeIf((count) -> count == 0);
		if (!rows.isEmpty()) {
			logger.warn("Node {}: {}; its replicated tables hold rows written before HarmonyLite ran here, never "
					+ "captured, which stay on this node only (rows per table: {}; some may equal rows of the other "
					+ "nodes): compare its tables with theirs, and write again here what the cluster should have (as "
					+ "new writes, which are then replicated)", this.nodeId, why, rows);
		}
	}

	/**
	 * How many rows each replicated table holds.
	 * @return the counts by table name, in table order
	 * @throws SnapshotException if the rows cannot be counted
	 */
	Map<String, Long> countByTable() {
		try (Connection connection = SqliteConnections.open(this.database)) {
			Map<String, Long> rows = new LinkedHashMap<>();
			for (TableSchema table : this.replicatedTables.resolve(connection)) {
				rows.put(table.name(), SqliteSchema.count(connection, "main", table.name()));
			}
			return rows;
		}
		catch (SQLException ex) {
			throw new SnapshotException("Node " + this.nodeId + " could not count the rows of " + this.database + ": "
					+ ex.getMessage(), ex);
		}
	}

}
