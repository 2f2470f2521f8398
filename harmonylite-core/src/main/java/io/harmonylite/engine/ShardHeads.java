package io.harmonylite.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.DeadLetterSink;
import io.harmonylite.apply.DeadLetteredChanges;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.apply.StreamState;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.ChunkHeader;
import io.harmonylite.event.MalformedEventException;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaGate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows and skips the next message of each shard of a stopped node: the one after the position stored in its
 * database, read from the shard stream and judged as the apply loop would (schema hash, then a dry run of the write
 * that is rolled back). A skip stores the message in the dead-letter stream and then moves the stored position past
 * it, in one SQLite transaction of its own. The caller holds the database's {@link NodeLock}: a running node holds
 * its positions in memory and would not see the skip.
 */
final class ShardHeads {

	private static final Logger logger = LoggerFactory.getLogger(ShardHeads.class);

	private final ReplicationConfig replication;

	private final Streams streams;

	private final Duration registryTtl;

	private final ChangeApplier applier;

	private final SchemaGate gate;

	private final ChangeEventCodec codec;

	private final DeadLetterSink deadLetters;

	// Whether the cluster left a schema hash: a message with it applies where it fits.
	private final Predicate<String> left;

	ShardHeads(ReplicationConfig replication, Streams streams, Duration registryTtl, ChangeApplier applier,
			SchemaGate gate, ChangeEventCodec codec, DeadLetterSink deadLetters, Predicate<String> left) {
		this.replication = replication;
		this.streams = streams;
		this.registryTtl = registryTtl;
		this.applier = applier;
		this.gate = gate;
		this.codec = codec;
		this.deadLetters = deadLetters;
		this.left = left;
	}

	/**
	 * The next message of one shard, or of every shard.
	 * @param shard the shard, {@code null} for all
	 * @return by shard
	 */
	List<ShardHead> show(@Nullable Integer shard) {
		warnIfStillRegistered();
		IntStream shards = (shard != null) ? IntStream.of(shard) : IntStream.range(0, this.replication.shards());
		return shards.mapToObj((each) -> inspect(each).head()).toList();
	}

	/**
	 * Moves a shard's next message to the dead letter and its position past it.
	 * @param shard the shard
	 * @param force also when the message would apply now
	 * @return what was skipped, or why not
	 */
	ShardHead.Skip skip(int shard, boolean force) {
		warnIfStillRegistered();
		Inspected inspected = inspect(shard);
		ShardHead head = inspected.head();
		ReceivedMessage message = inspected.message();
		if (message == null) {
			return new ShardHead.Skip(head, "shard " + shard + " has no next message to skip: " + head.verdict());
		}
		if (message.chunk() != null) {
			return new ShardHead.Skip(head, "message " + head.nextSequence() + " is one chunk of a change split over "
					+ "several messages; skipping it would not skip the change. Start the node and skip the change "
					+ "with POST /actuator/harmonylite/shards/" + shard + " {\"action\": \"skip\"}");
		}
		if (head.applies() && !force) {
			return new ShardHead.Skip(head, "message " + head.nextSequence() + " would apply now, so shard " + shard
					+ " does not wait on it; force the skip only if it must never be applied here");
		}
		String reason = "skipped by an operator while " + head.verdict();
		logger.warn("Node skips message {} of stream {} (shard {}) to the dead letter: {}", head.nextSequence(),
				head.stream(), shard, reason);
		long letter = this.deadLetters.deadLetter(message, reason);
		this.applier.skip(message.position(), DeadLetteredChanges.Letter.of(letter, message, this.codec, reason));
		return new ShardHead.Skip(head, null);
	}

	/**
	 * Says so when the node is still registered in the schema registry: the caller holds the database's
	 * {@link NodeLock}, so no node runs on it, and the key is one a killed node left until it expires.
	 */
	private void warnIfStillRegistered() {
		Optional<NodeSchemaState> registered = this.streams.registered();
		if (registered.isPresent()) {
			logger.warn("Node {} is still registered in the schema registry (last at {}), but no node runs on this "
					+ "database: a node killed rather than stopped stays registered until its key expires ({} "
					+ "minutes); going on", registered.get().nodeId(), registered.get().updatedAt(),
					this.registryTtl.toMinutes());
		}
	}

	private Inspected inspect(int shard) {
		String stream = this.replication.streamName(shard);
		long position = this.applier.position(stream);
		StreamPosition next = new StreamPosition(stream, position + 1);
		ReceivedMessage message = this.streams.message(shard, next.sequence());
		if (message == null) {
			StreamState state = this.streams.state(shard);
			boolean atEnd = state.lastSequence() <= position;
			String verdict = atEnd ? "nothing waits: the stream ends at sequence " + state.lastSequence()
					: "the stream no longer holds message " + next.sequence() + " (it holds " + state.firstSequence()
							+ " to " + state.lastSequence() + "): a stream gap, which a snapshot restore heals";
			return new Inspected(ShardHead.undecoded(shard, stream, position, null, atEnd, verdict), null);
		}
		if (message.rejection() != null) {
			return new Inspected(ShardHead.undecoded(shard, stream, position, null, false,
					"it would be dead-lettered: " + message.rejection()), message);
		}
		ChunkHeader chunk = message.chunk();
		if (chunk != null) {
			return new Inspected(ShardHead.undecoded(shard, stream, position, chunk, true,
					"chunk " + chunk.index() + " of " + chunk.count() + " of a change split over several messages ("
							+ chunk.totalBytes() + " bytes, SHA-256 " + chunk.sha256() + "); it is judged once its "
							+ "last chunk arrived: start the node and use the show-blocked operation"), message);
		}
		List<ChangeEvent> events;
		try {
			events = this.codec.decodeAll(message.payload());
		}
		catch (MalformedEventException ex) {
			return new Inspected(ShardHead.undecoded(shard, stream, position, null, false,
					"it cannot be decoded, so it would be dead-lettered: " + ex.getMessage()), message);
		}
		GatedChanges gated = GatedChanges.of(events, next, this.gate, this.applier, this.left);
		String problem = (gated.problem() != null) ? "the shard waits: " + gated.problem()
				: this.applier.dryRun(gated.changes());
		String verdict = (problem != null) ? problem : "it would apply now";
		ChangeEvent first = events.get(0);
		Map<String, @Nullable Object> key = new LinkedHashMap<>();
		first.primaryKey().forEach((column) -> key.put(column, first.row().get(column)));
		return new Inspected(new ShardHead(shard, stream, position, first.table(), first.operation(), key,
				events.size(), first.schemaHash(), null, problem == null, verdict), message);
	}

	/**
	 * The shard streams and the schema registry, as a stopped node reads them.
	 */
	interface Streams {

		/**
		 * One stored message of a shard stream.
		 * @param shard the shard
		 * @param sequence the sequence
		 * @return the message, {@code null} when the stream does not hold it
		 */
		@Nullable ReceivedMessage message(int shard, long sequence);

		/**
		 * A shard stream's state.
		 * @param shard the shard
		 * @return its first and last sequence
		 */
		StreamState state(int shard);

		/**
		 * This node id's state in the schema registry.
		 * @return present while a node with this id runs
		 */
		Optional<NodeSchemaState> registered();

	}

	/** A shard's next message judged, with the message itself for a skip. */
	private record Inspected(ShardHead head, @Nullable ReceivedMessage message) {
	}

}
