package io.harmonylite.apply;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between the shard sources, which deliver messages into it, and the {@link ApplyLoop}, which
 * takes them out in batches. It holds at most a number of messages and of payload bytes; a full queue holds the
 * sources back, so that a catch-up never holds more of the stream in memory than that. A message larger than the
 * byte bound by itself (a change reassembled from chunks) is let in when the queue is empty.
 *
 * @since 0.1.0
 */
public final class ApplyQueue implements ShardSource.Receiver {

	/** The most payload bytes queued, unless a single message is larger. */
	public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final Condition notFull = this.lock.newCondition();

	private final ArrayDeque<ReceivedMessage> messages = new ArrayDeque<>();

	private final int maxMessages;

	private final long maxBytes;

	private long bytes;

	/**
	 * Creates a queue sized for the apply batch: four batches, at least 1024 messages, and
	 * {@link #DEFAULT_MAX_BYTES} of payloads.
	 * @param batchSize the most changes applied per transaction
	 */
	public ApplyQueue(int batchSize) {
		this(Math.max(4 * batchSize, 1024), DEFAULT_MAX_BYTES);
	}

	/**
	 * Creates a queue.
	 * @param maxMessages the most messages queued
	 * @param maxBytes the most payload bytes queued, unless a single message is larger
	 */
	public ApplyQueue(int maxMessages, long maxBytes) {
		if (maxMessages < 1 || maxBytes < 1) {
			throw new IllegalArgumentException("An apply queue holds at least one message and one byte");
		}
		this.maxMessages = maxMessages;
		this.maxBytes = maxBytes;
	}

	/**
	 * Queues a message, waiting while the queue is full (by messages or by bytes).
	 * @param message the message
	 * @throws InterruptedException if interrupted while waiting
	 */
	@Override
	public void receive(ReceivedMessage message) throws InterruptedException {
		long size = message.payload().length;
		this.lock.lockInterruptibly();
		try {
			while (!this.messages.isEmpty()
					&& (this.messages.size() >= this.maxMessages || this.bytes + size > this.maxBytes)) {
				this.notFull.await();
			}
			this.messages.addLast(message);
			this.bytes += size;
			this.notEmpty.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * How many messages wait to be applied.
	 * @return the queue length
	 */
	public int size() {
		this.lock.lock();
		try {
			return this.messages.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * How many payload bytes wait to be applied.
	 * @return the bytes queued
	 */
	public long bytes() {
		this.lock.lock();
		try {
			return this.bytes;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Drops the queued messages of one shard, e.g. before its source restarts from the stored position.
	 * @param shard the shard
	 */
	public void discard(int shard) {
		this.lock.lock();
		try {
			if (this.messages.removeIf((message) -> message.shard() == shard)) {
				this.bytes = this.messages.stream().mapToLong((message) -> message.payload().length).sum();
				this.notFull.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Takes the next batch: waits for a first message, then adds what is already queued.
	 * @param batch receives the messages
	 * @param max the most messages to take
	 * @param wait the longest wait for the first message
	 * @throws InterruptedException if interrupted while waiting
	 */
	void takeBatch(List<ReceivedMessage> batch, int max, Duration wait) throws InterruptedException {
		long nanos = wait.toNanos();
		this.lock.lockInterruptibly();
		try {
			while (this.messages.isEmpty()) {
				if (nanos <= 0) {
					return;
				}
				nanos = this.notEmpty.awaitNanos(nanos);
			}
			for (int taken = 0; taken < max && !this.messages.isEmpty(); taken++) {
				ReceivedMessage message = this.messages.removeFirst();
				this.bytes -= message.payload().length;
				batch.add(message);
			}
			this.notFull.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

}
