package io.harmonylite.apply;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The bounded queue between the shard sources, which deliver messages into it, and the {@link ApplyLoop}, which
 * takes them out in batches. A full queue holds the sources back.
 *
 * @since 0.1.0
 */
public final class ApplyQueue implements ShardSource.Receiver {

	private final BlockingQueue<ReceivedMessage> messages;

	/**
	 * Creates a queue sized for the apply batch: four batches, and at least 1024 messages.
	 * @param batchSize the most changes applied per transaction
	 */
	public ApplyQueue(int batchSize) {
		this.messages = new ArrayBlockingQueue<>(Math.max(4 * batchSize, 1024));
	}

	/**
	 * Queues a message, waiting while the queue is full.
	 * @param message the message
	 * @throws InterruptedException if interrupted while waiting
	 */
	@Override
	public void receive(ReceivedMessage message) throws InterruptedException {
		this.messages.put(message);
	}

	/**
	 * How many messages wait to be applied.
	 * @return the queue length
	 */
	public int size() {
		return this.messages.size();
	}

	/**
	 * Drops the queued messages of one shard, e.g. before its source restarts from the stored position.
	 * @param shard the shard
	 */
	public void discard(int shard) {
		this.messages.removeIf((message) -> message.shard() == shard);
	}

	/**
	 * Takes the next batch: waits for a first message, then adds what is already queued.
	 * @param batch receives the messages
	 * @param max the most messages to take
	 * @param wait the longest wait for the first message
	 * @throws InterruptedException if interrupted while waiting
	 */
	void takeBatch(List<ReceivedMessage> batch, int max, Duration wait) throws InterruptedException {
		@Nullable ReceivedMessage first = this.messages.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
		if (first != null) {
			batch.add(first);
			this.messages.drainTo(batch, max - 1);
		}
	}

}
