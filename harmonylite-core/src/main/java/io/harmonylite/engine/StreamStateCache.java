package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.harmonylite.apply.MissingStreamException;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.apply.StreamState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard streams' states as last read in the background, so that the status never waits on NATS, and whether
 * JetStream answers at all. A node whose connection is up but whose reads have all failed for longer than
 * {@link #SILENCE} cannot reach a quorum of its cluster (its server is cut off, or frozen): the status says
 * {@code DISCONNECTED}. When JetStream answers again after such a silence, the callback runs (e.g. to restart the
 * consumers and wake the publisher at once instead of after their own timeouts).
 */
final class StreamStateCache {

	private static final Logger logger = LoggerFactory.getLogger(StreamStateCache.class);

	/** How long JetStream may stay silent before the node reports it unreachable. */
	static final Duration SILENCE = Duration.ofSeconds(5);

	private final long nodeId;

	private final List<ShardSource> probes;

	private final Clock clock;

	private final Runnable answeringAgain;

	private final Map<Integer, Read> reads = new ConcurrentHashMap<>();

	private volatile Instant lastAnswer;

	private volatile @Nullable String lastFailure;

	private volatile Set<String> missing = Set.of();

	/** Only the refreshing thread reads and writes it. */
	private boolean silent;

	/**
	 * Creates the cache; nothing is read until {@link #refresh()}. JetStream counts as answering at creation (the node
	 * has just created its streams).
	 * @param nodeId this node's id, for the logs
	 * @param probes one source per shard, used for reading the stream's state only, each read a single attempt
	 * @param clock tells when a state was read
	 * @param answeringAgain told on the refreshing thread when JetStream answers after having been silent
	 */
	StreamStateCache(long nodeId, List<ShardSource> probes, Clock clock, Runnable answeringAgain) {
		this.nodeId = nodeId;
		this.probes = List.copyOf(probes);
		this.clock = clock;
		this.answeringAgain = answeringAgain;
		this.lastAnswer = clock.instant();
	}

	/**
	 * Reads every stream's state once; run it periodically on a thread of its own, since each read may wait for the
	 * client's request timeout.
	 */
	void refresh() {
		boolean answered = false;
		String failure = null;
		Set<String> missing = new TreeSet<>();
		for (ShardSource probe : this.probes) {
			try {
				StreamState state = probe.state();
				this.reads.put(probe.shard(), new Read(state, this.clock.instant()));
				answered = true;
			}
			catch (MissingStreamException ex) {
				// JetStream answered: the stream is gone (its servers lost their data, or it was deleted), not the
				// network. Its last state read no longer holds.
				this.reads.remove(probe.shard());
				missing.add(probe.stream());
				answered = true;
			}
			catch (RuntimeException ex) {
				failure = "stream " + probe.stream() + ": " + ex.getMessage();
			}
		}
		if (!missing.equals(this.missing)) {
			if (!missing.isEmpty()) {
				logger.error("Node {}: JetStream answers but has no stream {}: its servers lost their JetStream data (a "
						+ "store emptied, deleted or on a new disk) or the stream was deleted; nothing of these shards "
						+ "is sent or received (local changes are kept). Restart the nodes: they create the streams "
						+ "again; then see \"Every node waits, at a re-created stream\" in docs/operations.md",
						this.nodeId, String.join(", ", missing));
			}
			else {
				logger.info("Node {}: JetStream has every shard stream again", this.nodeId);
			}
			boolean returned = !missing.containsAll(this.missing);
			this.missing = Set.copyOf(missing);
			if (returned) {
				// Created again (by a node's restart): the consumers check the new stream against their positions.
				this.answeringAgain.run();
			}
		}
		Instant now = this.clock.instant();
		if (answered) {
			this.lastAnswer = now;
			this.lastFailure = null;
			if (this.silent) {
				this.silent = false;
				logger.info("Node {}: JetStream answers again; restarting the consumers and the publisher's retries "
						+ "now", this.nodeId);
				this.answeringAgain.run();
			}
		}
		else {
			this.lastFailure = failure;
			if (!this.silent && !answering(now)) {
				this.silent = true;
				logger.warn("Node {}: JetStream has not answered for {} s (last: {}); this node neither sends nor "
						+ "receives changes until it does (local ones are kept)", this.nodeId,
						Duration.between(this.lastAnswer, now).toSeconds(), failure);
			}
		}
	}

	/**
	 * The last state read of a shard's stream.
	 * @param shard the shard
	 * @return the read, {@code null} when none succeeded yet
	 */
	@Nullable Read read(int shard) {
		return this.reads.get(shard);
	}

	/**
	 * Whether JetStream answered within the last {@link #SILENCE}.
	 * @param now the time now
	 * @return {@code false} once it has been silent for longer
	 */
	boolean answering(Instant now) {
		return Duration.between(this.lastAnswer, now).compareTo(SILENCE) <= 0;
	}

	/**
	 * When JetStream last answered a read.
	 * @return the time of the last successful read (the creation time before the first)
	 */
	Instant lastAnswer() {
		return this.lastAnswer;
	}

	/**
	 * The shard streams JetStream answered it does not have, at the latest refresh.
	 * @return their names, sorted; empty when every stream exists or JetStream did not answer
	 */
	Set<String> missingStreams() {
		return this.missing;
	}

	/**
	 * Why the latest reads failed.
	 * @return the last failure of a refresh in which no read succeeded, {@code null} when the last one succeeded
	 */
	@Nullable String lastFailure() {
		return this.lastFailure;
	}

	/**
	 * A stream's state and when it was read.
	 *
	 * @param state the state
	 * @param at when it was read
	 */
	record Read(StreamState state, Instant at) {
	}

}
