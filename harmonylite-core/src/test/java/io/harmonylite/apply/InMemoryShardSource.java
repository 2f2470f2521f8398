package io.harmonylite.apply;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ShardSource} for tests: a stream state set by the test, messages the test delivers, and a record of every
 * start and stop.
 */
public final class InMemoryShardSource implements ShardSource {

	private final int shard;

	private final String stream;

	private final List<Long> starts = new CopyOnWriteArrayList<>();

	private final AtomicInteger stops = new AtomicInteger();

	private final Set<Long> missing = ConcurrentHashMap.newKeySet();

	private volatile StreamState state;

	private volatile @Nullable Receiver receiver;

	private volatile @Nullable RuntimeException failure;

	private volatile boolean delivered;

	private volatile @Nullable CountDownLatch startGate;

	private volatile boolean busy;

	/**
	 * Creates a source of an empty stream named {@code changes-<shard>}.
	 * @param shard the shard
	 */
	public InMemoryShardSource(int shard) {
		this.shard = shard;
		this.stream = "changes-" + shard;
		this.state = new StreamState(1, 0, "created-1");
	}

	/**
	 * Sets what the stream holds.
	 * @param first the first sequence held
	 * @param last the last sequence held
	 * @param identity the stream's identity
	 * @return this source
	 */
	public InMemoryShardSource holding(long first, long last, String identity) {
		this.state = new StreamState(first, last, identity);
		return this;
	}

	/**
	 * Makes the stream answer as a replica that knows no leader does, with the state it holds.
	 * @return this source
	 */
	public InMemoryShardSource withoutLeader() {
		this.state = new StreamState(this.state.firstSequence(), this.state.lastSequence(), this.state.identity(), false);
		return this;
	}

	/**
	 * Marks a message as deleted from the middle of the stream.
	 * @param sequence the message's sequence
	 * @return this source
	 */
	public InMemoryShardSource without(long sequence) {
		this.missing.add(sequence);
		return this;
	}

	/**
	 * Makes {@link #state()} fail, as while NATS is unreachable; {@code null} to make it work again.
	 * @param failure the failure
	 */
	public void failing(@Nullable RuntimeException failure) {
		this.failure = failure;
	}

	/**
	 * Delivers a message to the current receiver, as the stream would.
	 * @param sequence the message's sequence
	 * @param payload its body
	 * @throws InterruptedException if the receiver is interrupted
	 */
	public void deliver(long sequence, byte[] payload) throws InterruptedException {
		Receiver current = this.receiver;
		if (current == null) {
			throw new IllegalStateException("Shard " + this.shard + " is not started");
		}
		this.delivered = true;
		current.receive(new ReceivedMessage(this.shard, new StreamPosition(this.stream, sequence), payload));
	}

	/**
	 * The sequences each start delivered after, in order.
	 * @return the starts
	 */
	public List<Long> starts() {
		return List.copyOf(this.starts);
	}

	/**
	 * How many times delivery was stopped.
	 * @return the count
	 */
	public int stops() {
		return this.stops.get();
	}

	/**
	 * Whether messages are being delivered.
	 * @return {@code true} between a start and a stop
	 */
	public boolean started() {
		return this.receiver != null;
	}

	/**
	 * Makes the source say it is handing a message over (or not), as while it reassembles a large change.
	 * @param busy whether a delivery is in progress
	 */
	public void delivering(boolean busy) {
		this.busy = busy;
	}

	@Override
	public boolean delivering() {
		return this.busy;
	}

	@Override
	public boolean deliveredSinceStart() {
		return this.delivered;
	}

	@Override
	public int shard() {
		return this.shard;
	}

	@Override
	public String stream() {
		return this.stream;
	}

	@Override
	public StreamState state() {
		RuntimeException current = this.failure;
		if (current != null) {
			throw current;
		}
		return this.state;
	}

	@Override
	public boolean holds(long sequence) {
		return sequence >= this.state.firstSequence() && sequence <= this.state.lastSequence()
				&& !this.missing.contains(sequence);
	}

	/**
	 * Makes each start wait until a latch opens, as a start that JetStream does not answer yet does.
	 * @param latch what starts wait for; {@code null} to start at once again
	 */
	public void startsWaitFor(@Nullable CountDownLatch latch) {
		this.startGate = latch;
	}

	@Override
	public void start(long afterSequence, Receiver receiver) {
		CountDownLatch gate = this.startGate;
		if (gate != null) {
			try {
				gate.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.delivered = false;
		this.starts.add(afterSequence);
		this.receiver = receiver;
	}

	@Override
	public void stop() {
		this.stops.incrementAndGet();
		this.receiver = null;
	}

}
