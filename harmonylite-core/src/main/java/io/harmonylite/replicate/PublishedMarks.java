package io.harmonylite.replicate;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.List;

import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeLogReader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks acknowledged changes published on a thread of its own, at most every interval while changes keep coming, so
 * that the publisher never waits for a mark's sync: the marks' connection commits with {@code synchronous=FULL}, one
 * WAL sync per mark. A change is handed over only after JetStream acknowledged it; one acknowledged but not yet marked
 * when the process dies (at most an interval's) is sent again after the restart under the same message id, which
 * JetStream drops as a duplicate.
 *
 * @since 0.1.0
 */
public final class PublishedMarks {

	/** How long acknowledged changes may wait for their mark while changes keep coming, and the least between marks. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(50);

	private static final Logger logger = LoggerFactory.getLogger(PublishedMarks.class);

	private final ChangeLogReader log;

	private final long nodeId;

	private final Duration interval;

	private final LongConsumer marked;

	private final Signal queuedSignal = new Signal();

	// Ids handed over and not yet marked, guarded by this.
	private long[] queued = new long[256];

	private int size;

	// Held while ids are taken and written, so that flush() returns only after every id handed over is marked.
	private final Object writing = new Object();

	// Guards start and stop; not this, which the marking thread takes for the queue while stop() waits for it.
	private final Object lifecycle = new Object();

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	/**
	 * Creates the marks of a publisher; {@link #start()} the thread before handing over changes.
	 * @param log the change log, on a connection used only for marks (with {@code synchronous=FULL} for durable marks)
	 * @param nodeId this node's id, for the log
	 * @param interval the most time acknowledged changes wait for their mark, and the least between two marks
	 */
	public PublishedMarks(ChangeLogReader log, long nodeId, Duration interval) {
		this(log, nodeId, interval, (id) -> {
		});
	}

	/**
	 * Creates the marks of a publisher that tells each mark; {@link #start()} the thread before handing over changes.
	 * @param log the change log, on a connection used only for marks (with {@code synchronous=FULL} for durable marks)
	 * @param nodeId this node's id, for the log
	 * @param interval the most time acknowledged changes wait for their mark, and the least between two marks
	 * @param marked told the highest id of each mark, once it is written
	 */
	public PublishedMarks(ChangeLogReader log, long nodeId, Duration interval, LongConsumer marked) {
		this.log = log;
		this.nodeId = nodeId;
		this.interval = interval;
		this.marked = marked;
	}

	/**
	 * Starts the marking thread; does nothing when it runs.
	 */
	public void start() {
		synchronized (this.lifecycle) {
			if (this.thread != null) {
				return;
			}
			this.running = true;
			Thread started = new Thread(this::run, "harmonylite-marks-" + this.nodeId);
			started.setDaemon(true);
			this.thread = started;
			started.start();
		}
	}

	/**
	 * Stops the marking thread and marks what was handed over.
	 * @throws InterruptedException if interrupted while waiting for the thread
	 */
	public void stop() throws InterruptedException {
		synchronized (this.lifecycle) {
			Thread current = this.thread;
			this.running = false;
			this.queuedSignal.raise();
			if (current != null) {
				current.join();
				this.thread = null;
			}
		}
		flush();
	}

	/**
	 * Hands over acknowledged changes; they are marked within the interval.
	 * @param changes the changes, acknowledged by JetStream
	 */
	public void add(List<CapturedChange> changes) {
		if (changes.isEmpty()) {
			return;
		}
		synchronized (this) {
			if (this.size + changes.size() > this.queued.length) {
				this.queued = Arrays.copyOf(this.queued, Math.max(this.queued.length * 2, this.size + changes.size()));
			}
			for (CapturedChange change : changes) {
				this.queued[this.size++] = change.id();
			}
		}
		this.queuedSignal.raise();
	}

	/**
	 * Marks every change handed over so far, on the caller's thread, e.g. before a failed round is read again.
	 * @throws io.harmonylite.HarmonyLiteException if the marks cannot be written; the changes stay handed over
	 */
	public void flush() {
		synchronized (this.writing) {
			long[] ids;
			synchronized (this) {
				ids = Arrays.copyOf(this.queued, this.size);
				this.size = 0;
			}
			if (ids.length == 0) {
				return;
			}
			try {
				this.log.markPublished(ids);
			}
			catch (RuntimeException ex) {
				requeue(ids);
				throw ex;
			}
			this.marked.accept(Arrays.stream(ids).max().orElseThrow());
		}
	}

	/** How many changes wait for their mark. */
	synchronized int queued() {
		return this.size;
	}

	private synchronized void requeue(long[] ids) {
		long[] merged = new long[Math.max(this.queued.length, this.size + ids.length)];
		System.arraycopy(ids, 0, merged, 0, ids.length);
		System.arraycopy(this.queued, 0, merged, ids.length, this.size);
		this.queued = merged;
		this.size += ids.length;
	}

	private void run() {
		long lastMark = System.nanoTime() - this.interval.toNanos();
		try {
			while (this.running) {
				if (queued() == 0) {
					this.queuedSignal.await(Duration.ofSeconds(1));
					continue;
				}
				long wait = lastMark + this.interval.toNanos() - System.nanoTime();
				if (wait > 0) {
					// Raised again by every hand-over: waits until the interval is over, not just until the next one.
					this.queuedSignal.await(Duration.ofNanos(wait));
					continue;
				}
				try {
					flush();
				}
				catch (RuntimeException ex) {
					logger.warn("Node {}: could not mark acknowledged changes published ({}); retrying in {} ms",
							this.nodeId, ex.getMessage(), this.interval.toMillis());
				}
				lastMark = System.nanoTime();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
