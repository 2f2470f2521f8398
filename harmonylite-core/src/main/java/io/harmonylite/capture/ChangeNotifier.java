package io.harmonylite.capture;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a listener promptly that the database may hold new changes.
 * <p>
 * Three sources wake the listener: {@link #signal()} (call it after a write made in this process), a file watch on the
 * database's {@code -wal} file (any writer, also other processes; inotify on Linux gives millisecond latency), and, as
 * a fallback where file watching is slow or unavailable, a poll of {@code PRAGMA data_version} on a connection of its
 * own every polling interval (it changes whenever another connection commits). Bursts are coalesced, and the listener is never
 * called concurrently with itself. A wake-up may be spurious; the listener simply finds nothing new.
 *
 * @since 0.1.0
 */
public final class ChangeNotifier implements AutoCloseable {

	/** The name of the notifier's daemon threads. */
	public static final String THREAD_NAME = "harmonylite-change-notifier";

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private static final String DATA_VERSION = "PRAGMA data_version";

	private static final Logger logger = LoggerFactory.getLogger(ChangeNotifier.class);

	private final Path database;

	private final Duration pollingInterval;

	private final Runnable onChange;

	private final ThreadFactory threads;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition wake = this.lock.newCondition();

	private boolean signalled;

	private boolean fileChanged;

	private boolean started;

	private volatile boolean closed;

	private volatile @Nullable Thread dispatcher;

	private volatile @Nullable Thread watcher;

	private volatile @Nullable WatchService watchService;

	/**
	 * Creates a notifier; call {@link #start()} to begin.
	 * @param database the database file
	 * @param pollingInterval how often {@code PRAGMA data_version} is polled as a fallback
	 * @param onChange called, one call at a time, when the database may have new changes
	 */
	public ChangeNotifier(Path database, Duration pollingInterval, Runnable onChange) {
		this(database, pollingInterval, onChange, (task) -> {
			Thread thread = new Thread(task, THREAD_NAME);
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Creates a notifier whose threads come from the given factory, e.g. one that watches them.
	 * @param database the database file
	 * @param pollingInterval how often {@code PRAGMA data_version} is polled as a fallback
	 * @param onChange called, one call at a time, when the database may have new changes
	 * @param threads makes the notifier's two threads (dispatcher and file watch); they should be daemons
	 */
	public ChangeNotifier(Path database, Duration pollingInterval, Runnable onChange, ThreadFactory threads) {
		this.database = database.toAbsolutePath();
		this.threads = Objects.requireNonNull(threads, "threads");
		this.pollingInterval = Objects.requireNonNull(pollingInterval, "pollingInterval");
		if (pollingInterval.isNegative() || pollingInterval.isZero()) {
			throw new IllegalArgumentException("The polling interval must be positive, was " + pollingInterval);
		}
		this.onChange = Objects.requireNonNull(onChange, "onChange");
	}

	/**
	 * Starts the watch and the poll; the listener is called once right away so that it catches up with changes made
	 * while nobody listened.
	 * @throws HarmonyLiteException if the database cannot be opened
	 */
	public synchronized void start() {
		if (this.started || this.closed) {
			throw new IllegalStateException("A change notifier can be started only once");
		}
		this.started = true;
		signal();
		Connection pollConnection = openPollConnection();
		// The first read opens the -wal file, which changes its attributes when running as root: do it before the
		// watch starts so that it causes no wake-up.
		long initialVersion = dataVersion(pollConnection, Long.MIN_VALUE);
		this.watchService = startWatch();
		Thread dispatch = this.threads.newThread(() -> dispatch(pollConnection, initialVersion));
		this.dispatcher = dispatch;
		dispatch.start();
		logger.debug("Change notifier started for {} (polling every {} ms, file watch {})", this.database,
				this.pollingInterval.toMillis(), (this.watchService != null) ? "on" : "off");
	}

	/**
	 * Wakes the listener as soon as possible, e.g. right after a write made by this process.
	 */
	public void signal() {
		this.lock.lock();
		try {
			this.signalled = true;
			this.wake.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void signalFileChange() {
		this.lock.lock();
		try {
			this.fileChanged = true;
			this.wake.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Stops the threads, waiting briefly for a listener call in progress; no call starts afterwards.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		WatchService service = this.watchService;
		if (service != null) {
			try {
				service.close();
			}
			catch (IOException ex) {
				logger.debug("Could not close the file watch of {}", this.database, ex);
			}
		}
		signal();
		join(this.watcher);
		join(this.dispatcher);
	}

	private void join(@Nullable Thread thread) {
		if (thread == null || thread == Thread.currentThread()) {
			return;
		}
		try {
			thread.join(CLOSE_TIMEOUT.toMillis());
			if (thread.isAlive()) {
				thread.interrupt();
				thread.join(CLOSE_TIMEOUT.toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Connection openPollConnection() {
		try {
			// A plain connection: it only reads PRAGMA data_version and never changes the journal mode.
			Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.database);
			try (Statement statement = connection.createStatement()) {
				statement.execute("PRAGMA busy_timeout = " + SqliteConnections.BUSY_TIMEOUT.toMillis());
			}
			return connection;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not open " + this.database + " to watch for changes: "
					+ ex.getMessage() + ". Check that the file exists and is readable.", ex);
		}
	}

	private @Nullable WatchService startWatch() {
		Path directory = this.database.getParent();
		if (directory == null) {
			return null;
		}
		try {
			WatchService service = FileSystems.getDefault().newWatchService();
			directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
			Thread watch = this.threads.newThread(() -> watch(service));
			this.watcher = watch;
			watch.start();
			return service;
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.warn("Cannot watch {} for changes ({}); relying on polling every {} ms", directory, ex.getMessage(),
					this.pollingInterval.toMillis());
			return null;
		}
	}

	private void watch(WatchService service) {
		String file = String.valueOf(this.database.getFileName());
		String wal = file + "-wal";
		try {
			while (!this.closed) {
				WatchKey key = service.take();
				boolean relevant = false;
				for (WatchEvent<?> event : key.pollEvents()) {
					if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
						relevant = true;
					}
					else if (event.context() instanceof Path changed) {
						String name = changed.toString();
						// The main file changes on commit in rollback-journal mode (and on WAL checkpoints).
						relevant |= name.equals(wal) || name.equals(file);
					}
				}
				if (relevant) {
					signalFileChange();
				}
				if (!key.reset()) {
					logger.warn("The directory of {} can no longer be watched; relying on polling every {} ms",
							this.database, this.pollingInterval.toMillis());
					return;
				}
			}
		}
		catch (ClosedWatchServiceException ex) {
			// Closed by close().
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void dispatch(Connection pollConnection, long initialVersion) {
		// Prepared once: it runs after every file event, several times.
		try (pollConnection; PreparedStatement versionQuery = pollConnection.prepareStatement(DATA_VERSION)) {
			long lastVersion = initialVersion;
			boolean retry = false;
			long pollAt = System.nanoTime() + this.pollingInterval.toNanos();
			RecheckSchedule rechecks = new RecheckSchedule();
			while (!this.closed) {
				long deadline = rechecks.nextAt(pollAt);
				boolean fire;
				boolean fromFile;
				this.lock.lock();
				try {
					long remaining = deadline - System.nanoTime();
					while (!this.signalled && !this.fileChanged && !this.closed && remaining > 0) {
						remaining = this.wake.awaitNanos(remaining);
					}
					fire = this.signalled;
					fromFile = this.fileChanged;
					this.signalled = false;
					this.fileChanged = false;
				}
				finally {
					this.lock.unlock();
				}
				if (this.closed) {
					break;
				}
				// Read the version before calling the listener: a commit made after this read changes it again,
				// so a later check catches a commit the listener may not have seen yet.
				long version = dataVersion(versionQuery, lastVersion);
				boolean changed = version != lastVersion;
				lastVersion = version;
				long now = System.nanoTime();
				if (now - pollAt >= 0) {
					pollAt = now + this.pollingInterval.toNanos();
				}
				if (fromFile) {
					rechecks.fileEvent(now, changed);
				}
				else {
					rechecks.looked(now, changed);
				}
				// A file event alone calls the listener only once data_version shows a commit: the -wal file is written
				// before the commit becomes visible, so the first look often finds nothing yet.
				if (fire || changed || retry) {
					retry = !notifyListener(retry);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (SQLException ex) {
			logger.debug("Could not close the polling connection of {}", this.database, ex);
		}
	}

	private long dataVersion(Connection connection, long fallback) {
		try (PreparedStatement query = connection.prepareStatement(DATA_VERSION)) {
			return dataVersion(query, fallback);
		}
		catch (SQLException ex) {
			logger.warn("Could not poll PRAGMA data_version of {}: {}", this.database, ex.getMessage());
			return fallback;
		}
	}

	private long dataVersion(PreparedStatement query, long fallback) {
		try (ResultSet rows = query.executeQuery()) {
			return rows.next() ? rows.getLong(1) : fallback;
		}
		catch (SQLException ex) {
			logger.warn("Could not poll PRAGMA data_version of {}: {}", this.database, ex.getMessage());
			return fallback;
		}
	}

	private boolean notifyListener(boolean failedBefore) {
		try {
			this.onChange.run();
			return true;
		}
		catch (RuntimeException ex) {
			// Retried on every poll until it succeeds; warn once per streak of failures.
			if (failedBefore) {
				logger.debug("Change listener failed again", ex);
			}
			else {
				logger.warn("Change listener failed; retrying every {} ms", this.pollingInterval.toMillis(), ex);
			}
			return false;
		}
	}

}
