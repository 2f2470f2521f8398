package io.harmonylite.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.ShardControl;
import io.harmonylite.nats.NatsNode;
import io.harmonylite.nats.ShardSubscriber;
import io.harmonylite.replicate.ReplicationConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, stops and restarts the subscriber of every shard. A shard paused by a schema mismatch is stopped and
 * restarted from its stored position after the redelivery delay, or at once when the local schema changes.
 */
final class ShardSupervisor implements ShardControl, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ShardSupervisor.class);

	private final NatsNode nats;

	private final ReplicationConfig replication;

	private final Duration redeliveryDelay;

	private final ScheduledExecutorService scheduler;

	private final long nodeId;

	private final List<ShardSubscriber> subscribers = new ArrayList<>();

	private final Map<Integer, ScheduledFuture<?>> redeliveries = new ConcurrentHashMap<>();

	private @Nullable ApplyLoop applyLoop;

	private volatile boolean closed;

	ShardSupervisor(NatsNode nats, ReplicationConfig replication, Duration redeliveryDelay,
			ScheduledExecutorService scheduler, long nodeId) {
		this.nats = nats;
		this.replication = replication;
		this.redeliveryDelay = redeliveryDelay;
		this.scheduler = scheduler;
		this.nodeId = nodeId;
	}

	synchronized void start(ApplyLoop loop) {
		this.applyLoop = loop;
		for (int shard = 0; shard < this.replication.shards(); shard++) {
			ShardSubscriber subscriber = this.nats.subscriber(shard, loop);
			this.subscribers.add(subscriber);
			subscriber.start(loop.appliedSequence(this.replication.streamName(shard)));
		}
	}

	synchronized List<ShardSubscriber> subscribers() {
		return List.copyOf(this.subscribers);
	}

	@Override
	public void redeliverLater(int shard) {
		if (this.closed || this.redeliveries.containsKey(shard)) {
			return;
		}
		// Stop on the scheduler, never on the apply thread: the consumer's dispatcher may be waiting on the apply
		// queue.
		this.scheduler.execute(() -> stop(shard));
		this.redeliveries.computeIfAbsent(shard, (s) -> this.scheduler.schedule(() -> restart(shard),
				this.redeliveryDelay.toMillis(), TimeUnit.MILLISECONDS));
	}

	@Override
	public void resync(int shard) {
		if (this.closed || this.redeliveries.containsKey(shard)) {
			return;
		}
		logger.warn("Node {}: stream {} skipped past the next expected message; restarting its consumer", this.nodeId,
				this.replication.streamName(shard));
		this.redeliveries.computeIfAbsent(shard, (s) -> this.scheduler.schedule(() -> restart(shard), 0,
				TimeUnit.MILLISECONDS));
	}

	/**
	 * Restarts every paused shard now, e.g. after the local schema changed.
	 */
	void redeliverPausedNow() {
		for (Integer shard : List.copyOf(this.redeliveries.keySet())) {
			ScheduledFuture<?> pending = this.redeliveries.get(shard);
			if (pending != null && pending.cancel(false)) {
				this.scheduler.execute(() -> restart(shard));
			}
		}
	}

	private synchronized void stop(int shard) {
		this.subscribers.get(shard).close();
		ApplyLoop loop = this.applyLoop;
		if (loop != null) {
			loop.discard(shard);
		}
	}

	private synchronized void restart(int shard) {
		this.redeliveries.remove(shard);
		ApplyLoop loop = this.applyLoop;
		if (this.closed || loop == null) {
			return;
		}
		stop(shard);
		String stream = this.replication.streamName(shard);
		long from = loop.appliedSequence(stream);
		logger.info("Node {}: redelivering stream {} from sequence {}", this.nodeId, stream, from + 1);
		try {
			this.subscribers.get(shard).start(from);
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not restart stream {}, retrying in {} s: {}", this.nodeId, stream,
					this.redeliveryDelay.toSeconds(), ex.getMessage());
			redeliverLater(shard);
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		this.redeliveries.values().forEach((future) -> future.cancel(false));
		this.redeliveries.clear();
		this.subscribers.forEach(ShardSubscriber::close);
	}

}
