package io.harmonylite.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.MalformedEventException;
import io.harmonylite.schema.SchemaConfig;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.UnknownHashQuarantine;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the messages of every shard on one thread, in batches: messages are taken from the {@link ApplyQueue} in the
 * order each shard delivered them, decoded, validated and applied in one transaction per batch together with the
 * positions reached, which it also records in the {@link AppliedPositions}.
 * <p>
 * A message that can never be applied (undecodable, unknown table or column, a constraint it violates: see
 * {@link ApplyFailure}) is moved to the dead letter and its position recorded, so replication goes on behind it; the
 * batch is narrowed down to that message, and the changes before and after it are applied in order. Transient failures
 * (a locked or full disk) are retried with backoff without moving past anything.
 * <p>
 * Each shard stream has one subject, so its sequences are contiguous: a message is applied only when its sequence is
 * the next one after the position reached, already-applied ones are skipped, and later ones are dropped (they are
 * delivered again once the consumer restarts from the stored position). A change whose schema hash the
 * {@link SchemaGate} does not accept pauses its shard: nothing of that shard is applied or skipped and the shard is
 * redelivered later, so a pause can never open a hole; only a hash that no node of the cluster ever reported is
 * quarantined, after a delay ({@link UnknownHashQuarantine}), and an operator may {@link #skipBlocked skip} the
 * blocking message.
 * <p>
 * A change split over several messages arrives through a {@link ChunkAssembler}: its earlier chunks only move the
 * position, and its last chunk carries the whole change, or the reason it goes to the dead letter.
 *
 * @since 0.1.0
 */
public final class ApplyLoop implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(ApplyLoop.class);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

	private static final Duration POLL = Duration.ofMillis(100);

	private final ChangeApplier applier;

	private final ChangeEventCodec codec;

	private final DeadLetterSink deadLetters;

	private final ApplyListener listener;

	private final Clock clock;

	private final int batchSize;

	private final SchemaGate gate;

	private final ShardControl shards;

	private final ApplyQueue queue;

	private final AppliedPositions applied;

	private final UnknownHashQuarantine quarantine;

	// The message each shard waits on (a schema hash this node does not accept, or a failure retried), for the operator.
	private final Map<Integer, Blocked> blocked = new ConcurrentHashMap<>();

	/** Held while a batch is processed, and by whoever {@link #pause() pauses} the loop. */
	private final Semaphore turn = new Semaphore(1);

	private volatile boolean running = true;

	// The batch being applied, for the operator; null between batches.
	private volatile @Nullable Attempt inProgress;

	/**
	 * Creates the loop; run it on its own thread.
	 * @param applier the applier, used only by this loop
	 * @param queue where the shard sources put the messages
	 * @param applied the positions reached, moved by this loop only
	 * @param gate decides whether a change's schema hash may be applied here
	 * @param shards asked to redeliver a paused shard later
	 * @param deadLetters where rejected messages go
	 * @param listener observes applied changes
	 * @param codec decodes messages
	 * @param clock the clock for lag measurement
	 * @param batchSize the most changes per transaction
	 */
	public ApplyLoop(ChangeApplier applier, ApplyQueue queue, AppliedPositions applied, SchemaGate gate,
			ShardControl shards, DeadLetterSink deadLetters, ApplyListener listener, ChangeEventCodec codec, Clock clock,
			int batchSize) {
		this(applier, queue, applied, gate, shards, deadLetters, listener, codec, clock, batchSize,
				new UnknownHashQuarantine(0, SchemaConfig.DEFAULT_UNKNOWN_HASH_QUARANTINE, clock));
	}

	/**
	 * Creates the loop; run it on its own thread.
	 * @param applier the applier, used only by this loop
	 * @param queue where the shard sources put the messages
	 * @param applied the positions reached, moved by this loop only
	 * @param gate decides whether a change's schema hash may be applied here
	 * @param shards asked to redeliver a paused shard later
	 * @param deadLetters where rejected messages go
	 * @param listener observes applied changes
	 * @param codec decodes messages
	 * @param clock the clock for lag measurement
	 * @param batchSize the most changes per transaction
	 * @param quarantine decides whether a message whose schema hash the gate does not accept waits or is quarantined
	 */
	public ApplyLoop(ChangeApplier applier, ApplyQueue queue, AppliedPositions applied, SchemaGate gate,
			ShardControl shards, DeadLetterSink deadLetters, ApplyListener listener, ChangeEventCodec codec, Clock clock,
			int batchSize, UnknownHashQuarantine quarantine) {
		this.quarantine = quarantine;
		this.applier = applier;
		this.queue = queue;
		this.applied = applied;
		this.gate = gate;
		this.shards = shards;
		this.deadLetters = deadLetters;
		this.listener = listener;
		this.codec = codec;
		this.clock = clock;
		this.batchSize = batchSize;
	}

	/**
	 * Pauses the loop between two batches, e.g. while a snapshot replaces the database: waits until the batch in
	 * progress is committed; no batch is processed until the returned pause is closed. The batch the loop already
	 * took is processed afterwards against the positions applied then, so that nothing is applied twice.
	 * @return closes the pause
	 * @throws InterruptedException if interrupted while waiting for the batch in progress
	 */
	public Pause pause() throws InterruptedException {
		this.turn.acquire();
		return new Pause() {

			private boolean closed;

			@Override
			public synchronized void close() {
				if (!this.closed) {
					this.closed = true;
					ApplyLoop.this.turn.release();
				}
			}

		};
	}

	/**
	 * Asks the loop to stop after the batch in progress.
	 */
	public void stop() {
		this.running = false;
	}

	@Override
	public void run() {
		Duration backoff = Duration.ofMillis(50);
		List<ReceivedMessage> batch = new ArrayList<>(this.batchSize);
		Instant attempted = this.clock.instant();
		while (this.running || !batch.isEmpty()) {
			try {
				if (batch.isEmpty()) {
					this.queue.takeBatch(batch, this.batchSize, POLL);
					if (batch.isEmpty()) {
						continue;
					}
				}
				if (!this.turn.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
					// Paused; when stopping while paused, the batch is dropped (it is redelivered after a restart).
					if (!this.running) {
						return;
					}
					continue;
				}
				try {
					attempted = this.clock.instant();
					this.inProgress = Attempt.of(attempted, batch);
					process(batch);
					unblockApplied();
				}
				finally {
					this.inProgress = null;
					this.turn.release();
				}
				batch.clear();
				backoff = Duration.ofMillis(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				if (ex instanceof SchemaRecomputePendingException) {
					logger.info("Applying {} changes waits for the schema hash, retrying in {} ms: {}", batch.size(),
							backoff.toMillis(), ex.getMessage());
				}
				else {
					logger.warn("Applying {} changes failed, retrying in {} ms: {}", batch.size(), backoff.toMillis(),
							ex.getMessage());
				}
				blockedByFailure(batch, ex, attempted);
				try {
					Thread.sleep(backoff.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
				backoff = (backoff.compareTo(MAX_BACKOFF) < 0) ? backoff.multipliedBy(2) : MAX_BACKOFF;
			}
		}
	}

	private void process(List<ReceivedMessage> messages) {
		List<PositionedChange> changes = new ArrayList<>(messages.size());
		List<ReceivedMessage> origins = new ArrayList<>(messages.size());
		Map<String, Long> reached = new HashMap<>();
		for (ReceivedMessage message : messages) {
			String stream = message.position().stream();
			long last = reached.getOrDefault(stream, this.applied.of(stream));
			long sequence = message.position().sequence();
			if (sequence != last + 1) {
				// Already applied (a redelivery), or behind a message that was not applied (a pause): drop it. A jump
				// on a shard that is not paused means messages were skipped: have the consumer restart and check.
				if (sequence > last + 1 && last != Long.MAX_VALUE - 1
						&& !this.gate.pausedShards().containsKey(message.shard())) {
					this.shards.resync(message.shard());
				}
				continue;
			}
			if (message.positionOnly() || message.rejection() != null) {
				// A piece of a change applied with its last piece, or a change that could not be reassembled.
				applyAndClear(changes, origins);
				if (message.rejection() != null) {
					deadLetter(message, message.rejection());
				}
				else {
					this.applied.passed(message.position());
				}
				reached.put(stream, sequence);
				continue;
			}
			List<ChangeEvent> events;
			try {
				events = this.codec.decodeAll(message.payload());
			}
			catch (MalformedEventException ex) {
				applyAndClear(changes, origins);
				deadLetter(message, "undecodable message: " + ex.getMessage());
				reached.put(stream, sequence);
				continue;
			}
			String mismatch = mismatchingHash(events);
			long origin = (mismatch != null) ? originOf(events, mismatch) : 0;
			UnknownHashQuarantine.Verdict verdict = (mismatch != null)
					? this.quarantine.judge(mismatch, this.gate.currentHash(), message.storedAt(), origin) : null;
			boolean left = verdict != null && verdict.left();
			if (left) {
				// The cluster left the hash, or nodes of this schema migrated from it: the changes go on to the applier,
				// fitted to this node's tables as changes of its previous schema; it dead-letters those that do not fit.
				goOnBehind(message.shard(), verdict.reason());
			}
			else if (verdict != null) {
				if (verdict.quarantine()) {
					applyAndClear(changes, origins);
					quarantine(message, mismatch, verdict.reason());
					reached.put(stream, sequence);
					continue;
				}
				this.gate.pause(message.shard(), mismatch, this.clock.instant());
				Instant since = this.gate.pausedShards().get(message.shard()).since();
				this.blocked.put(message.shard(), new Blocked(message,
						BlockedMessage.of(message, events.get(0), events.size(), verdict.reason(), since), false, origin));
				this.shards.redeliverAfter(message.shard(), verdict.judgeAgainIn());
				reached.put(stream, Long.MAX_VALUE - 1);
				continue;
			}
			resume(message.shard());
			if (!changes.isEmpty() && changes.size() + events.size() > this.batchSize) {
				// A message carries up to hundreds of changes: a transaction holds at most the batch size (or one
				// message), so that a catch-up neither decodes nor writes the whole backlog at once.
				applyAndClear(changes, origins);
			}
			for (ChangeEvent event : events) {
				ChangeEvent fitted = (left || fromPreviousSchema(event))
						? this.applier.fittedToThisSchema(event, !left || !verdict.byNameOnly()) : event;
				changes.add(new PositionedChange(fitted, message.position(), message.origin()));
				origins.add(message);
			}
			reached.put(stream, sequence);
		}
		applyAll(changes, origins);
	}

	/** Applies the changes gathered so far (see {@link #applyAll}) and starts gathering anew. */
	private void applyAndClear(List<PositionedChange> changes, List<ReceivedMessage> origins) {
		applyAll(changes, origins);
		changes.clear();
		origins.clear();
	}

	/**
	 * Records, for each shard of a batch that failed with a transient error, the first message it waits on, so that
	 * the operator sees why the shard does not move (and may skip the message).
	 */
	private void blockedByFailure(List<ReceivedMessage> batch, RuntimeException failure, Instant attempted) {
		String reason = "a transient failure, retried with backoff: " + rootMessage(failure);
		// A message waits since the attempt that first failed on it began: a locked database fails only after the
		// busy timeout.
		Map<Integer, ReceivedMessage> heads = new HashMap<>();
		for (ReceivedMessage message : batch) {
			StreamPosition position = message.position();
			if (this.applied.of(position.stream()) == position.sequence() - 1 && !message.positionOnly()) {
				heads.putIfAbsent(message.shard(), message);
			}
		}
		heads.forEach((shard, message) -> {
			Blocked current = this.blocked.get(shard);
			if (current != null && !current.transientFailure()) {
				return;
			}
			Instant since = (current != null && current.message().position().equals(message.position()))
					? current.view().since() : attempted;
			try {
				List<ChangeEvent> events = this.codec.decodeAll(message.payload());
				this.blocked.put(shard, new Blocked(message,
						BlockedMessage.of(message, events.get(0), events.size(), reason, since), true, 0));
			}
			catch (MalformedEventException ex) {
				// Not this failure's message: an undecodable one goes to the dead letter once the batch runs.
			}
		});
	}

	/** Forgets the messages that waited on a transient failure once they are applied. */
	private void unblockApplied() {
		this.blocked.values()
			.removeIf((each) -> each.transientFailure()
					&& this.applied.of(each.message().position().stream()) >= each.message().position().sequence());
	}

	private void resume(int shard) {
		// A message that waits on a transient failure stays blocked, with its first failure's time, until applied.
		this.blocked.computeIfPresent(shard, (key, waiting) -> waiting.transientFailure() ? waiting : null);
		if (this.gate.resume(shard)) {
			this.shards.resumed(shard);
		}
	}

	private void quarantine(ReceivedMessage message, String hash, String reason) {
		deadLetter(message, "quarantined: " + reason + ". If a node really runs this schema, start it so that it "
				+ "reports its hash, then re-apply the dead letters; otherwise the sender is broken");
		this.listener.quarantined(message, hash);
		goOnBehind(message.shard(), "quarantined");
	}

	/** Lets a shard go on behind the message it waited on, which went to the dead letter. */
	private void goOnBehind(int shard, String why) {
		this.blocked.remove(shard);
		if (this.gate.release(shard, why)) {
			this.shards.resumed(shard);
		}
	}

	/**
	 * Lets go of what the shards waited on behind the positions a snapshot restore installed (call while the loop is
	 * {@link #pause() paused}): the restore went past those messages, so they no longer hold their shards, and a
	 * shard with no later message would otherwise stay paused.
	 */
	public void restoredPast() {
		for (Map.Entry<Integer, Blocked> entry : Map.copyOf(this.blocked).entrySet()) {
			StreamPosition position = entry.getValue().message().position();
			if (this.applied.of(position.stream()) >= position.sequence()) {
				goOnBehind(entry.getKey(), "a snapshot restore went past it");
			}
		}
	}

	/**
	 * The batch being applied: a batch that takes long waits for the database (another connection holds its write
	 * lock, or the disk is slow).
	 * @return the batch in progress, empty between batches
	 */
	public Optional<Attempt> inProgress() {
		return Optional.ofNullable(this.inProgress);
	}

	/**
	 * The message each shard waits on, e.g. a schema hash this node does not accept (yet).
	 * @return by shard, the blocking messages; empty when no shard waits
	 */
	public Map<Integer, BlockedMessage> blocked() {
		Map<Integer, BlockedMessage> views = new TreeMap<>();
		// A schema hash is judged again from the registry as last read: the reason given when the message first
		// blocked (say, that no node reported the hash yet) may no longer hold.
		this.blocked.forEach((shard, each) -> views.put(shard, each.transientFailure() ? each.view()
				: each.view()
					.withReason(this.quarantine
						.judge(each.view().schemaHash(), this.gate.currentHash(), each.message().storedAt(), each.origin())
						.reason())));
		return Collections.unmodifiableMap(views);
	}

	/**
	 * Moves the message a shard waits on to the dead letter, as an operator's decision, and lets the shard go on
	 * behind it; runs between two batches (waits for the batch in progress).
	 * @param shard the shard
	 * @return the message skipped, or empty when the shard waits on nothing (or already went on)
	 * @throws InterruptedException if interrupted while waiting for the batch in progress
	 */
	public Optional<BlockedMessage> skipBlocked(int shard) throws InterruptedException {
		try (Pause pause = pause()) {
			Blocked waiting = this.blocked.remove(shard);
			if (waiting == null) {
				return Optional.empty();
			}
			StreamPosition position = waiting.message().position();
			if (this.applied.of(position.stream()) != position.sequence() - 1) {
				return Optional.empty();
			}
			deadLetter(waiting.message(), "skipped by an operator while " + waiting.view().reason(), true);
			goOnBehind(shard, "skipped by an operator");
			this.shards.redeliverAfter(shard, Duration.ZERO);
			return Optional.of(waiting.view());
		}
	}

	private boolean fromPreviousSchema(ChangeEvent event) {
		return event.schemaHash().equals(this.gate.previousHash()) && !event.schemaHash().equals(this.gate.currentHash());
	}

	/** The node that made the message's changes of a hash (a message holds one node's changes). */
	private static long originOf(List<ChangeEvent> events, String hash) {
		return events.stream()
			.filter((event) -> event.schemaHash().equals(hash))
			.mapToLong(ChangeEvent::originNodeId)
			.findFirst()
			.orElse(0);
	}

	private @Nullable String mismatchingHash(List<ChangeEvent> events) {
		for (ChangeEvent event : events) {
			if (this.gate.check(event.schemaHash()) == SchemaGate.Decision.MISMATCH) {
				return event.schemaHash();
			}
		}
		return null;
	}

	private void applyAll(List<PositionedChange> changes, List<ReceivedMessage> origins) {
		List<PositionedChange> remaining = changes;
		List<ReceivedMessage> remainingOrigins = origins;
		while (!remaining.isEmpty()) {
			int bad;
			String reason;
			boolean misfit = false;
			try {
				commit(remaining);
				return;
			}
			catch (InvalidChangeException ex) {
				bad = ex.index();
				reason = ex.getMessage();
				misfit = true;
			}
			catch (ChangeApplyException ex) {
				if (ApplyFailure.of(ex) == ApplyFailure.TRANSIENT) {
					throw ex;
				}
				bad = ex.index();
				reason = "cannot be applied: " + rootMessage(ex);
			}
			if (this.gate.isStale(this.applier.schemaVersion())) {
				// The local schema changed after the hash was computed (a migration in progress): the change may fit
				// the new schema once it is hashed, so retry the batch rather than reject it.
				throw new SchemaRecomputePendingException("The local schema changed since its hash was computed; waiting "
						+ "for the recompute before judging change " + bad + " of the batch (" + reason + ")");
			}
			ReceivedMessage rejected = remainingOrigins.get(bad);
			int first = remainingOrigins.indexOf(rejected);
			int last = remainingOrigins.lastIndexOf(rejected);
			if (first != last) {
				// A message that carries several changes (rows written apart, published together): only the bad
				// changes go to the dead letter, and the batch is tried again without them. Those that do not fit
				// the schema are found in one pass and stored together, so that a message of thousands of them (a
				// broken or hostile sender) costs one pass rather than one pass and one publish each. The message's
				// last change stays, to move its position once it is the message's only one.
				Map<Integer, String> dropped = misfit ? misfitsOfMessage(remaining, first, last)
						: Map.of(bad, reason);
				deadLetterChanges(rejected, remaining, dropped);
				remaining = without(remaining, dropped.keySet());
				remainingOrigins = without(remainingOrigins, dropped.keySet());
				continue;
			}
			// Keep order: the messages before the bad one, then the bad message to the dead letter (its last change,
			// when its others were dead-lettered one by one), then the rest.
			// The prefix was only validated, not executed, when a later change failed validation: it can hold a change
			// that fails on execution, so it goes through the same handling.
			applyAll(List.copyOf(remaining.subList(0, first)), List.copyOf(remainingOrigins.subList(0, first)));
			if (carriesSeveral(rejected)) {
				deadLetterChange(rejected, remaining.get(bad), reason);
				skip(rejected, null);
			}
			else {
				deadLetter(rejected, reason, true);
			}
			remaining = remaining.subList(last + 1, remaining.size());
			remainingOrigins = remainingOrigins.subList(last + 1, remainingOrigins.size());
		}
	}

	private boolean carriesSeveral(ReceivedMessage message) {
		try {
			return this.codec.decodeAll(message.payload()).size() > 1;
		}
		catch (MalformedEventException ex) {
			return false;
		}
	}

	/**
	 * The changes of one message, at {@code first} to {@code last} of a batch, that do not fit this node's schema,
	 * without the message's last change unless it is the only one.
	 * @return by index in the batch, why each does not fit
	 */
	private Map<Integer, String> misfitsOfMessage(List<PositionedChange> changes, int first, int last) {
		Map<Integer, String> misfits = new TreeMap<>(this.applier.misfits(changes));
		misfits.keySet().removeIf((index) -> index < first || index > last);
		if (misfits.size() > 1) {
			misfits.remove(last);
		}
		return misfits;
	}

	private static <T> List<T> without(List<T> list, Set<Integer> indexes) {
		List<T> rest = new ArrayList<>(list.size() - indexes.size());
		for (int i = 0; i < list.size(); i++) {
			if (!indexes.contains(i)) {
				rest.add(list.get(i));
			}
		}
		return rest;
	}

	/**
	 * Stores one change of a message in the dead letter, as a message of its own at the message's position, without
	 * moving the position: the message's other changes are still to be applied.
	 */
	private void deadLetterChange(ReceivedMessage message, PositionedChange change, String reason) {
		deadLetterChanges(message, List.of(change), Map.of(0, reason));
	}

	/**
	 * Stores changes of a message in the dead letter as {@link #deadLetterChange} does, together: their letters are
	 * published at once and recorded in one transaction.
	 * @param changes the batch
	 * @param reasons by index in the batch, the changes to store and why
	 */
	private void deadLetterChanges(ReceivedMessage message, List<PositionedChange> changes,
			Map<Integer, String> reasons) {
		List<ChangeEvent> events = reasons.keySet().stream().map((index) -> changes.get(index).event()).toList();
		List<String> why = List.copyOf(reasons.values());
		List<ReceivedMessage> letters = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			ChangeEvent change = events.get(i);
			ChangeEventCodec codec = this.codec.withFormat(
					change.isVersioned() ? ChangeEventCodec.FORMAT_VERSIONED : ChangeEventCodec.FORMAT_UNVERSIONED);
			letters.add(new ReceivedMessage(message.shard(), message.position(), codec.encode(change), null, null,
					message.origin()));
			String text = "Dead-lettering change {} of node {} (table '{}') of message {} of stream {} (shard {}); the "
					+ "message's other changes are applied: {}";
			Object[] arguments = { change.changeId(), change.originNodeId(), change.table(),
					message.position().sequence(), message.position().stream(), message.shard(), why.get(i) };
			if (events.size() == 1) {
				logger.error(text, arguments);
			}
			else {
				logger.debug(text, arguments);
			}
		}
		if (reasons.size() > 1) {
			logger.error("Dead-lettering {} changes of message {} of stream {} (shard {}) that do not fit this node's "
					+ "schema (each at DEBUG); the message's other changes are applied. The first: {}", reasons.size(),
					message.position().sequence(), message.position().stream(), message.shard(), why.get(0));
		}
		List<Long> sequences = this.deadLetters.deadLetterAll(letters, why);
		if (DeadLetteredChanges.fromANode(message)) {
			List<DeadLetteredChanges.Letter> lacked = new ArrayList<>(letters.size());
			for (int i = 0; i < letters.size(); i++) {
				lacked.add(DeadLetteredChanges.Letter.ofOneChange(sequences.get(i), message.position(),
						events.get(i).table(), why.get(i)));
			}
			this.applier.deadLettered(lacked);
		}
		for (int i = 0; i < letters.size(); i++) {
			this.listener.deadLettered(letters.get(i), why.get(i));
		}
	}

	private void commit(List<PositionedChange> changes) {
		if (changes.isEmpty()) {
			return;
		}
		long start = System.nanoTime();
		ApplyResult result = this.applier.apply(changes, this.applied::stored);
		this.applied.committed(result.positions());
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		long now = this.clock.millis();
		for (PositionedChange change : changes) {
			this.listener.applied(change.event(), Duration.ofMillis(Math.max(0, now - change.event().committedAtMillis())));
		}
		this.listener.batchApplied(changes.size(), took);
	}

	/** Dead-letters junk that no node applies (undecodable, a schema hash no node runs). */
	private void deadLetter(ReceivedMessage message, String reason) {
		deadLetter(message, reason, false);
	}

	/**
	 * Dead-letters a message and moves past it.
	 * @param lacked whether its changes were meant for this node's tables, so that this node lacks them (see
	 * {@link DeadLetteredChanges})
	 */
	private void deadLetter(ReceivedMessage message, String reason, boolean lacked) {
		logger.error("Dead-lettering message {} of stream {} (shard {}): {}", message.position().sequence(),
				message.position().stream(), message.shard(), reason);
		long sequence = this.deadLetters.deadLetter(message, reason);
		skip(message, lacked ? DeadLetteredChanges.Letter.of(sequence, message, this.codec, reason) : null);
		this.listener.deadLettered(message, reason);
	}

	private void skip(ReceivedMessage message, DeadLetteredChanges.@Nullable Letter lacked) {
		this.applier.skip(message.position(), lacked);
		this.applied.skipped(message.position());
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return ApplyFailure.isUnexpected(root) ? root.toString() : String.valueOf(root.getMessage());
	}

	/**
	 * A blocking message with its payload, kept for a skip.
	 * @param transientFailure whether the shard waits on a failure that is retried (rather than on a schema hash)
	 * @param origin the node that made its changes of the hash judged, 0 when none
	 */
	private record Blocked(ReceivedMessage message, BlockedMessage view, boolean transientFailure, long origin) {
	}

	/**
	 * A pause of the loop, ended by {@link #close()}.
	 */
	public interface Pause extends AutoCloseable {

		/**
		 * Lets the loop go on; closing again does nothing.
		 */
		@Override
		void close();

	}


	/**
	 * A batch being applied.
	 *
	 * @param since when its attempt began
	 * @param heads by shard, the position of the batch's first message of that shard
	 */
	public record Attempt(Instant since, Map<Integer, StreamPosition> heads) {

		static Attempt of(Instant since, List<ReceivedMessage> batch) {
			Map<Integer, StreamPosition> heads = new TreeMap<>();
			for (ReceivedMessage message : batch) {
				heads.putIfAbsent(message.shard(), message.position());
			}
			return new Attempt(since, Collections.unmodifiableMap(heads));
		}

	}

}
