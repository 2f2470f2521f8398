package io.harmonylite.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.LongFunction;

import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest change id of this node that JetStream acknowledged, with its capture epoch and its version, kept in a
 * file beside the database ({@code <db>}{@value #SUFFIX}), outside it: so that a start can tell that the database went
 * back while the node was stopped (an older copy, a backup, put in its place). Such a copy's change log ends before
 * that id, or, written to since, holds another change under it: it hands the ids after its end out again; with the same epoch the node would take its own changes the copy lost, found in
 * the streams, for changes it has and skip them, and JetStream would drop its new changes whose message ids those
 * reused ids repeat. The start then gives the node's changes a new capture epoch ({@link WentBackMarker}).
 * <p>
 * Replaced whole (a new file moved in place) without a sync after each mark of published changes: after a power loss
 * it may lag, which only makes the check miss a copy taken in the last moments.
 *
 * @since 0.1.0
 */
public final class PublishedThrough {

	/** The file's suffix, after the database file's name. */
	public static final String SUFFIX = "-harmonylite.published";

	private static final Logger logger = LoggerFactory.getLogger(PublishedThrough.class);

	private final Path file;

	private final long epoch;

	private final LongFunction<@Nullable Long> versionOf;

	private long written;

	private boolean failureLogged;

	/**
	 * Creates the record of a node's run.
	 * @param dbPath the database file
	 * @param epoch the capture epoch of the node's changes in this run
	 * @param versionOf the version of a published change in the change log, {@code null} for a change not published
	 * yet, whose version may still change ({@link ChangeLogReader#publishedVersionOf}), on the connection and thread of
	 * the caller of {@link #record}
	 */
	public PublishedThrough(Path dbPath, long epoch, LongFunction<@Nullable Long> versionOf) {
		this.file = fileOf(dbPath);
		this.epoch = epoch;
		this.versionOf = versionOf;
	}

	/**
	 * Starts the record of a node's run: its capture epoch, and how far its change log reaches now.
	 * @param dbPath the database file
	 * @param changeLog the change log's reader, whose connection and thread later {@link #record} calls use
	 * @return the record
	 */
	public static PublishedThrough start(Path dbPath, ChangeLogReader changeLog) {
		PublishedThrough record = new PublishedThrough(dbPath, changeLog.captureEpoch(), changeLog::publishedVersionOf);
		record.recordStart(changeLog.lastChangeId());
		return record;
	}

	/**
	 * The file beside a database.
	 * @param dbPath the database file
	 * @return the file
	 */
	public static Path fileOf(Path dbPath) {
		return dbPath.resolveSibling(dbPath.getFileName() + SUFFIX);
	}

	/**
	 * Records, at the start, this run's epoch and that the change log reaches an id, whatever was recorded before
	 * (also an empty log, so that a renewed epoch is on record before anything is published).
	 * @param lastId the change log's last id
	 */
	public synchronized void recordStart(long lastId) {
		write(lastId);
	}

	/**
	 * Records that changes up to an id were acknowledged (and marked published), when it is past what was recorded.
	 * @param id the highest id acknowledged
	 */
	public synchronized void record(long id) {
		if (id > this.written) {
			write(id);
		}
	}

	private void write(long id) {
		Path partial = this.file.resolveSibling(this.file.getFileName() + ".tmp");
		try {
			Long version = this.versionOf.apply(id);
			Files.writeString(partial, this.epoch + " " + id + " " + ((version != null) ? version : 0) + "\n",
					StandardCharsets.US_ASCII);
			Files.move(partial, this.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			this.written = id;
		}
		catch (IOException | RuntimeException ex) {
			if (!this.failureLogged) {
				this.failureLogged = true;
				logger.warn("Could not write {} ({}): a start will not tell whether the database went back while the "
						+ "node was stopped", this.file, ex.toString());
			}
		}
	}

	/**
	 * Why the database went back while the node was stopped: its change log ends before the last id this node had
	 * acknowledged in the same capture epoch.
	 * @param dbPath the database file
	 * @param connection a connection to it
	 * @return the explanation, {@code null} when it did not go back (or nothing tells)
	 * @throws SQLException if the change log cannot be read
	 */
	public static @Nullable String wentBack(Path dbPath, Connection connection) throws SQLException {
		long[] recorded = read(fileOf(dbPath));
		if (recorded == null || !installed(connection)) {
			return null;
		}
		long epoch = queryLong(connection, "SELECT coalesce((SELECT value FROM "
				+ SqlIdentifiers.quote(ChangeCapture.META_TABLE) + " WHERE key = '" + ChangeCapture.CAPTURE_EPOCH_KEY
				+ "'), -1)");
		String log = fileOf(dbPath).getFileName().toString();
		if (epoch != recorded[0]) {
			// The node's last run gave its changes another epoch: a copy from before that (an older backup, taken
			// before an earlier restore renewed the epoch), or a start that renewed it and stopped before recording.
			return "its changes have capture epoch " + epoch + ", but this node's last run gave them epoch "
					+ recorded[0] + " (" + log + "): an older copy of the file was put in its place while the node "
					+ "was stopped";
		}
		ChangeLogReader changeLog = new ChangeLogReader(connection, 0);
		long last = changeLog.lastChangeId();
		if (last < recorded[1]) {
			return "its change log ends at change " + last + ", but JetStream acknowledged changes of this node up to "
					+ recorded[1] + " (" + log + "): an older copy of the file was put in its place while the node was "
					+ "stopped";
		}
		Long version = changeLog.versionOf(recorded[1]);
		if (recorded[2] != 0 && version != null && version != recorded[2]) {
			return "its change " + recorded[1] + " is not the one JetStream acknowledged (" + log + "): an older copy "
					+ "of the file was put in its place while the node was stopped, and written to since";
		}
		return null;
	}

	private static boolean installed(Connection connection) throws SQLException {
		return queryLong(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('"
				+ ChangeCapture.META_TABLE + "', '" + ChangeCapture.CHANGE_LOG_TABLE + "')") == 2;
	}

	private static long queryLong(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			return rows.next() ? rows.getLong(1) : 0;
		}
	}

	private static long @Nullable [] read(Path file) {
		try {
			String text = Files.readString(file, StandardCharsets.US_ASCII);
			String[] parts = text.strip().split(" ");
			return (parts.length == 3 && text.endsWith("\n")) ? new long[] { Long.parseLong(parts[0]), Long.parseLong(parts[1]),
					Long.parseLong(parts[2]) } : null;
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException | NumberFormatException ex) {
			logger.warn("Could not read {} ({}); not checking whether the database went back", file, ex.toString());
			return null;
		}
	}

}
