package io.harmonylite.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ReplicatedChange;
import io.harmonylite.apply.ReplicatedChangeListener;
import io.harmonylite.event.ChangeEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the changes of other nodes, once committed here, to the {@link ReplicatedChangeListener}s, off the apply
 * thread: the apply loop only puts them in a bounded queue, which never blocks it (when the queue is full the oldest
 * change is dropped and counted), and one thread per running node, a {@link Delivery}, takes them out and calls the
 * listeners in order. It lives as long as the engine, so changes queued while a node stops are delivered by the next.
 */
final class ReplicatedChangeDispatcher implements ApplyListener {

	/** The queue capacity unless the builder sets another. */
	static final int DEFAULT_CAPACITY = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(ReplicatedChangeDispatcher.class);

	private static final Duration POLL = Duration.ofMillis(100);

	/** How long a stopping delivery goes on handing out what is queued. */
	private static final Duration DRAIN = Duration.ofSeconds(5);

	private final long nodeId;

	private final List<ReplicatedChangeListener> listeners;

	private final BlockingQueue<ReplicatedChange> queue;

	private final Runnable dropped;

	/**
	 * Creates the dispatcher.
	 * @param nodeId this node's id: its own changes are not handed out
	 * @param listeners the listeners, called in this order
	 * @param capacity the most changes waiting for the listeners
	 * @param dropped told about every change dropped from a full queue
	 */
	ReplicatedChangeDispatcher(long nodeId, List<ReplicatedChangeListener> listeners, int capacity, Runnable dropped) {
		this.nodeId = nodeId;
		this.listeners = List.copyOf(listeners);
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.dropped = dropped;
	}

	@Override
	public void applied(ChangeEvent event, Duration lag) {
		if (event.originNodeId() == this.nodeId) {
			return;
		}
		ReplicatedChange change = ReplicatedChange.of(event);
		while (!this.queue.offer(change)) {
			if (this.queue.poll() != null) {
				this.dropped.run();
			}
		}
	}

	/**
	 * How many changes wait for the listeners.
	 * @return the queue length
	 */
	int waiting() {
		return this.queue.size();
	}

	/**
	 * A new delivery loop, for one running node's {@code events} worker.
	 * @return the loop
	 */
	Delivery delivery() {
		return new Delivery();
	}

	private void deliver(ReplicatedChange change) {
		for (ReplicatedChangeListener listener : this.listeners) {
			try {
				listener.replicated(change);
			}
			catch (RuntimeException ex) {
				logger.warn("Node {}: replicated-change listener {} failed on {}: {}", this.nodeId,
						listener.getClass().getName(), change, String.valueOf(ex));
			}
		}
	}

	/**
	 * Takes the queued changes out and calls the listeners until stopped, then delivers what is left for at most
	 * {@link #DRAIN}; what is still queued then waits for the next delivery.
	 */
	final class Delivery implements Runnable {

		private volatile boolean stopping;

		@Override
		public void run() {
			try {
				while (!this.stopping) {
					@Nullable ReplicatedChange change = ReplicatedChangeDispatcher.this.queue.poll(POLL.toNanos(),
							TimeUnit.NANOSECONDS);
					if (change != null) {
						deliver(change);
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			long deadline = System.nanoTime() + DRAIN.toNanos();
			@Nullable ReplicatedChange change;
			while (System.nanoTime() < deadline && (change = ReplicatedChangeDispatcher.this.queue.poll()) != null) {
				deliver(change);
			}
		}

		/**
		 * Asks the loop to return once it has delivered what is queued.
		 */
		void stop() {
			this.stopping = true;
		}

	}

}
