package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LocalChangeRecorder;

/**
 * The changes written into a node's database while the node was stopped, recorded at its start before anything
 * else may: they were committed no later than the database files were last modified (a time the operating system
 * keeps, whatever clock the writer had), so their versions are bounded to that time plus the maximum skew rather
 * than to the time the node came back.
 */
final class OfflineWrites {

	private final long committedByMillis;

	private OfflineWrites(long committedByMillis) {
		this.committedByMillis = committedByMillis;
	}

	/**
	 * Notes when the database files were last modified; call before the node writes to them.
	 * @param database the database file
	 * @param clock the node's clock, for when no file exists yet
	 * @return the changes written until now
	 */
	static OfflineWrites before(Path database, Clock clock) {
		long modified = Math.max(modified(database), modified(Path.of(database + "-wal")));
		return new OfflineWrites((modified > 0) ? modified : clock.millis());
	}

	private static long modified(Path file) {
		try {
			return Files.getLastModifiedTime(file).toMillis();
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not read when " + file + " was last modified: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Records the pending changes with versions bounded to when they were committed at the latest.
	 * @param connection a connection to the database
	 * @param settings the node's conflict settings
	 * @param clock the node's clock
	 * @param stats where bounded versions are counted
	 */
	void record(Connection connection, ConflictSettings settings, Clock clock, ConflictStats stats) {
		try (LocalChangeRecorder recorder = new LocalChangeRecorder(connection, settings, clock, stats)) {
			recorder.recordCommittedBy(this.committedByMillis);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not close the version state: " + ex.getMessage(), ex);
		}
	}

}
