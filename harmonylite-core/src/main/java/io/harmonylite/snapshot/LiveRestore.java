package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Replaces a live database's content with an image's through SQLite's online backup API, in one write transaction of
 * the live database: the application's connections keep working and see the new content after the commit, and a crash
 * before the commit leaves the old content (the transaction's pages are rolled back from the WAL or journal).
 * <p>
 * The image is finished inside that transaction: once the first step of the copy has taken the live database's write
 * lock (so nobody can write there any more), a callback copies the live database's local state into the image. The
 * backup notices that its source changed and starts the copy again from the first page, still holding the lock, so
 * the local state installed is exactly the one at the moment of the switch; no local write falls in between.
 */
final class LiveRestore {

	/** Pages copied per step; the first step must not finish the copy (see {@link #pagesPerStep(int)}). */
	private static final int MAX_PAGES_PER_STEP = 1024;

	private static final int BUSY_SLEEP_MILLIS = 10;

	/** How often a step may find a database busy in all, after the live connection's own busy timeout. */
	private static final int BUSY_RETRIES = 100;

	private final Path database;

	LiveRestore(Path database) {
		this.database = database;
	}

	/**
	 * Copies an image into the live database.
	 * @param image the image file, not in WAL mode, with at least two pages
	 * @param imageConnection a connection to the image for the callback, in auto-commit mode
	 * @param finish changes the image once the live database is locked
	 * @param progress told how far the copy has come after {@code finish}
	 * @throws SQLException if the copy fails; the live database is then unchanged
	 */
	void run(Path image, Connection imageConnection, ImageFinisher finish, RestoreProgress progress) throws SQLException {
		int pageCount = Integer.parseInt(SqliteSchema.strings(imageConnection, "PRAGMA page_count").get(0));
		Callback callback = new Callback(imageConnection, finish, progress);
		try (Connection live = SqliteConnections.open(this.database)) {
			DB db = live.unwrap(SQLiteConnection.class).getDatabase();
			// sqlite-jdbc reports only the source's errors; the caller verifies that the restore took place.
			db.restore("main", image.toAbsolutePath().toString(), callback, BUSY_SLEEP_MILLIS, BUSY_RETRIES,
					pagesPerStep(pageCount));
		}
		if (callback.failure != null) {
			throw callback.failure;
		}
		if (!callback.finished) {
			throw new SQLException("the copy ended before the local state was taken into it");
		}
	}

	/**
	 * Pages per step: fewer than the image has, so that the first step returns with the lock held and the copy
	 * unfinished, and the callback runs before anything is committed.
	 */
	static int pagesPerStep(int pageCount) {
		if (pageCount < 2) {
			throw new IllegalArgumentException("The restore image has " + pageCount + " page(s); it needs at least 2");
		}
		return Math.min(MAX_PAGES_PER_STEP, pageCount - 1);
	}

	/**
	 * Changes the image while the live database is locked.
	 */
	@FunctionalInterface
	interface ImageFinisher {

		void finish(Connection image) throws SQLException;

	}

	private static final class Callback implements DB.ProgressObserver {

		private final Connection image;

		private final ImageFinisher finish;

		private final RestoreProgress progress;

		private boolean finished;

		private @Nullable SQLException failure;

		Callback(Connection image, ImageFinisher finish, RestoreProgress progress) {
			this.image = image;
			this.finish = finish;
			this.progress = progress;
		}

		// Called from native code: it must not throw (the copy would go on with an exception pending).
		@Override
		public void progress(int remaining, int pageCount) {
			if (this.failure != null) {
				return;
			}
			if (!this.finished) {
				if (remaining == 0) {
					this.failure = new SQLException("the copy finished in its first step, before the local state "
							+ "could be taken into it");
					return;
				}
				try {
					this.finish.finish(this.image);
					this.finished = true;
				}
				catch (SQLException | RuntimeException ex) {
					this.failure = (ex instanceof SQLException sql) ? sql : new SQLException(ex.getMessage(), ex);
					abort();
				}
				return;
			}
			try {
				this.progress.copied(remaining, pageCount);
			}
			catch (RuntimeException ex) {
				this.failure = new SQLException("the restore progress listener failed: " + ex.getMessage(), ex);
				abort();
			}
		}

		/**
		 * Stops the copy before it commits: with the image locked exclusively, every further step finds it busy
		 * until the retries run out, and the backup then rolls the live database's transaction back.
		 */
		private void abort() {
			try {
				SqliteSchema.execute(this.image, "BEGIN EXCLUSIVE");
			}
			catch (SQLException ex) {
				this.failure.addSuppressed(ex);
			}
		}

	}

}
