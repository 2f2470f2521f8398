package io.harmonylite.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import io.harmonylite.HarmonyLiteException;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;

/**
 * Opens connections to the replicated database in WAL mode with a busy timeout, so the application, other processes
 * and the engine can write the same file concurrently. The engine's connections wait for the write lock in short
 * steps ({@link FineGrainedBusyHandler}) rather than SQLite's coarse default sleeps.
 *
 * @since 0.1.0
 */
public final class SqliteConnections {

	/** How long a connection waits for another writer before failing with {@code SQLITE_BUSY}. */
	public static final Duration BUSY_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * The size the WAL file is cut back to after a checkpoint: without a limit SQLite keeps the file at the largest size
	 * it ever reached (e.g. after a big transaction, or while a long read held checkpoints back).
	 */
	public static final int WAL_SIZE_LIMIT = 64 * 1024 * 1024;

	private SqliteConnections() {
	}

	/**
	 * Opens a read-write connection: WAL journal (cut back to {@link #WAL_SIZE_LIMIT} after checkpoints),
	 * {@code synchronous=NORMAL}, busy timeout, foreign-key enforcement off (replicated rows may arrive in any order
	 * across tables).
	 * @param database the database file
	 * @return an open connection in auto-commit mode
	 */
	public static Connection open(Path database) {
		return open(database, Synchronous.NORMAL);
	}

	/**
	 * Opens a read-write connection like {@link #open(Path)} with the given durability of its commits.
	 * @param database the database file
	 * @param synchronous whether a commit waits for the disk
	 * @return an open connection in auto-commit mode
	 */
	public static Connection open(Path database, Synchronous synchronous) {
		SQLiteConfig config = new SQLiteConfig();
		config.setJournalMode(SQLiteConfig.JournalMode.WAL);
		config.setSynchronous((synchronous == Synchronous.FULL) ? SQLiteConfig.SynchronousMode.FULL
				: SQLiteConfig.SynchronousMode.NORMAL);
		config.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
		config.setJournalSizeLimit(WAL_SIZE_LIMIT);
		config.enforceForeignKeys(false);
		try {
			Connection connection = config.createConnection("jdbc:sqlite:" + database.toAbsolutePath());
			BusyHandler.setHandler(connection, new FineGrainedBusyHandler(BUSY_TIMEOUT));
			return connection;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not open SQLite database " + database + ": " + ex.getMessage()
					+ ". " + advice(ex), ex);
		}
	}

	/**
	 * What to check when a database cannot be opened or written, from SQLite's result code.
	 * @param failure what SQLite reported
	 * @return the advice, a sentence
	 */
	public static String advice(SQLException failure) {
		String message = String.valueOf(failure.getMessage());
		if (message.contains("SQLITE_NOTADB") || message.contains("SQLITE_CORRUPT")) {
			return "The file is not an SQLite database or is damaged (it was left as it is): check "
					+ "harmonylite.db-path, and restore the file from a backup or a healthy node's copy "
					+ "(\"Stream gap\", emergency copy, in docs/operations.md)";
		}
		if (message.contains("SQLITE_READONLY") || message.contains("SQLITE_PERM")) {
			return "The file or its directory is read-only (permissions, a read-only mount, chattr +i): make both "
					+ "writable for the node's user; the node also writes the -wal and -shm files next to it";
		}
		if (message.contains("SQLITE_CANTOPEN") || message.contains("SQLITE_IOERR")) {
			return "Check that the file exists and is writable.";
		}
		if (message.contains("SQLITE_FULL")) {
			return "The disk (or the quota) of the database's directory is full: free space there.";
		}
		if (message.contains("SQLITE_BUSY_SNAPSHOT")) {
			return "A transaction read, then tried to write after another connection wrote: begin it with BEGIN "
					+ "IMMEDIATE.";
		}
		if (message.contains("SQLITE_BUSY") || message.contains("SQLITE_LOCKED")) {
			return "Another connection held the database's write lock longer than the busy timeout (an open "
					+ "transaction, e.g. in sqlite3): end it.";
		}
		return "See SQLite's message above.";
	}

	/**
	 * How much a commit waits for the disk (SQLite's {@code synchronous}) in WAL mode. A power loss can only lose
	 * the most recent commits, never a commit older than one that survived: the WAL is replayed as a prefix.
	 */
	public enum Synchronous {

		/**
		 * The commit is written to the WAL but synced only at checkpoints: it survives a crash of the process, and
		 * a power loss may undo it (with every later commit).
		 */
		NORMAL,

		/**
		 * The WAL is synced before the commit returns, so the commit, and every earlier one, survives a power loss.
		 */
		FULL

	}

}
