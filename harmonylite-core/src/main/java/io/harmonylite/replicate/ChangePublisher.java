package io.harmonylite.replicate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.capture.RecordedChanges;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.ChunkHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends pending change-log rows to their shard streams, grouped and pipelined: a batch is published asynchronously with at most
 * {@code window} messages awaiting their acknowledgement, and a row is marked published only after JetStream has
 * acknowledged it. Failed rows stay pending and are retried with backoff, together with the later rows of their shard,
 * so that a stream never ends with an older change of a row after a newer one. JetStream de-duplicates rows re-sent
 * after a restart by their message id ({@code <node>-<capture epoch>-<first change>-<last change>}); the rounds after
 * a failed one add {@code -r<n>}, so that messages re-sent behind a failed one are stored again.
 *
 * @since 0.1.0
 */
public final class ChangePublisher implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(ChangePublisher.class);

	private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * How long a message may go unacknowledged while JetStream answers other requests before it is sent again: a
	 * message sent into a route that had died (e.g. by a server just thawed from a freeze) is never answered.
	 */
	private static final Duration ACK_RESEND = Duration.ofSeconds(5);

	/** How often a wait for acknowledgements checks {@link #retryNow()}. */
	private static final Duration ACK_SLICE = Duration.ofMillis(100);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

	/** The most rounds sent and not yet settled. */
	static final int ROUNDS_IN_FLIGHT = 4;

	/** The most changes one message carries. */
	static final int MAX_EVENTS_PER_MESSAGE = 256;

	/** The most bytes of change bodies one message carries, well below NATS' default 1 MB payload limit. */
	static final long MAX_MESSAGE_BYTES = 256 * 1024;

	/** The largest change body every node decodes, with room for the message's framing. */
	static final int MAX_DECODABLE_BODY_BYTES = ChangeEventCodec.MAX_MESSAGE_BYTES - 1024;

	/** The largest change body sent in chunks, with room for the message's framing. */
	static final int MAX_CHUNKED_BODY_BYTES = ChangeEventCodec.MAX_CHANGE_BYTES - 1024;

	private final ChangeLogReader reader;

	private final ChangeSink sink;

	private final ShardRouter router;

	private final ChangeEventCodec codec;

	private final ChangeRecorder recorder;

	private final PublishedMarks marks;

	private final IntSupplier wireFormat;

	private final Supplier<String> schemaHash;

	private final Lock captureLayoutLock;

	private final long nodeId;

	private final int batchSize;

	private final Semaphore window;

	private final Duration pollInterval;

	private final Signal signal = new Signal();

	private final PublisherStats stats = new PublisherStats();

	private volatile boolean running = true;

	/**
	 * Rounds that failed so far (and runs restarted) in this process; part of the message ids of re-sent messages. It
	 * only grows: a message re-sent under the id of one stored before would be dropped by JetStream as a duplicate and
	 * leave the stream's last word on its rows to an older change.
	 */
	private int failedRounds;

	/** Whether {@link #run()} ran before: a restarted run re-sends what the abandoned one had in flight. */
	private boolean ranBefore;

	/** Set by {@link #retryNow()}: the round waiting for its acknowledgements stops waiting and is sent again. */
	private volatile boolean retryNow;

	/** When JetStream last answered a request of this node ({@link System#nanoTime()}), told by {@link #answered()}. */
	private volatile long lastAnswer = System.nanoTime();

	/** The highest change-log id known to be recorded; changes up to it may be marked published. */
	private long recordedThrough;

	/**
	 * Creates a publisher; run it on its own thread.
	 * @param reader the change log of this node, used only by this publisher
	 * @param sink where messages go
	 * @param router the shard router
	 * @param codec the event codec
	 * @param recorder gives pending changes their final version before they are read
	 * @param marks marks acknowledged changes published, on a thread of their own
	 * @param wireFormat the change event format to publish in (see {@link ChangeEventCodec#withFormat(int)}), asked
	 * before each batch
	 * @param schemaHash supplies this node's current schema hash, stamped on every event
	 * @param captureLayoutLock held while rows are read and stamped, so that capture regenerated for a new schema and
	 * the new hash change together for the publisher
	 * @param nodeId this node's id
	 * @param batchSize the most rows read per batch
	 * @param window the most messages awaiting acknowledgement
	 * @param pollInterval the longest wait between looks at the change log when no signal arrives
	 */
	public ChangePublisher(ChangeLogReader reader, ChangeSink sink, ShardRouter router, ChangeEventCodec codec,
			ChangeRecorder recorder, PublishedMarks marks, IntSupplier wireFormat, Supplier<String> schemaHash, Lock captureLayoutLock,
			long nodeId, int batchSize, int window, Duration pollInterval) {
		this.reader = reader;
		this.sink = sink;
		this.router = router;
		this.codec = codec;
		this.recorder = recorder;
		this.marks = marks;
		this.wireFormat = wireFormat;
		this.schemaHash = schemaHash;
		this.captureLayoutLock = captureLayoutLock;
		this.nodeId = nodeId;
		this.batchSize = batchSize;
		this.window = new Semaphore(window);
		this.pollInterval = pollInterval;
	}

	/**
	 * Wakes the publisher because new changes may be pending.
	 */
	public void signal() {
		this.signal.raise();
	}

	/**
	 * Stops waiting for the acknowledgements of the round in flight and sends what is unacknowledged again at once,
	 * e.g. when JetStream answers again after a silence: messages sent into the silence would otherwise hold the
	 * publisher until their acknowledgements time out.
	 */
	public void retryNow() {
		this.retryNow = true;
		this.signal.raise();
	}

	/**
	 * Tells that JetStream answered a request just now (e.g. a stream's state was read): a message that has waited
	 * {@link #ACK_RESEND} for its acknowledgement although JetStream answered that long after it was sent is sent
	 * again instead of waiting for its own timeout.
	 */
	public void answered() {
		this.lastAnswer = System.nanoTime();
	}

	/**
	 * The publisher's counters.
	 * @return the stats
	 */
	public PublisherStats stats() {
		return this.stats;
	}

	/**
	 * Asks the loop to stop after the batch in flight has been acknowledged and marked.
	 */
	public void stop() {
		this.running = false;
		this.signal.raise();
	}

	@Override
	public void run() {
		// Left by a run that failed: marked first, so that they are not read and sent again.
		this.marks.flush();
		this.marks.start();
		try {
			publishUntilStopped();
		}
		finally {
			try {
				this.marks.stop();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Sends round after round. Each round is read and sent while the ones before await their acknowledgements (at most
	 * {@link #ROUNDS_IN_FLIGHT} rounds in flight), so that a commit does not wait for the acknowledgement of the round
	 * before it, and the servers store earlier rounds while the next is read. The oldest round in flight is settled
	 * (its acknowledged changes handed over for marking) once the most rounds are in flight, or when nothing new is
	 * pending; when it failed, the rounds sent behind it are settled at once too, and all are read again from the
	 * failed round's start under new message ids.
	 */
	private void publishUntilStopped() {
		if (this.ranBefore) {
			this.failedRounds++;
		}
		this.ranBefore = true;
		long cursor = this.reader.resumeAfterId();
		long epoch = this.reader.captureEpoch();
		Duration backoff = Duration.ofMillis(100);
		Deque<InFlight> inFlight = new ArrayDeque<>();
		// Changes recorded and handed over by an earlier call, not sent yet, with the schema hash read with them; they
		// follow the position aheadAfter, and are dropped when the publisher reads from elsewhere (a retry).
		Deque<CapturedChange> recordedAhead = new ArrayDeque<>();
		String recordedHash = "";
		long aheadAfter = -1;
		// Changes handed over unrecorded, recorded once the first round of them is sent, and the position they follow.
		List<CapturedChange> toRecord = List.of();
		long toRecordAfter = -1;
		while (this.running) {
			long roundStart = cursor;
			InFlight oldest = inFlight.peekFirst();
			// Where to read again when this iteration fails: the start of the oldest round not settled yet.
			long retryFrom = (oldest != null) ? oldest.start : cursor;
			try {
				List<CapturedChange> batch;
				String hash;
				if (aheadAfter != cursor) {
					recordedAhead.clear();
					toRecord = List.of();
				}
				if (recordedAhead.isEmpty()) {
					this.captureLayoutLock.lock();
					try {
						// What is published is what this node's conflict decisions use: changes recorded, or handed
						// over with the versions recording keeps and recorded once sent. They come from the recorder
						// (all of them, at most one bounded read of the log, sent round after round), or from the log
						// when recorded earlier.
						RecordedChanges recorded = this.recorder.pendingToPublish(cursor, Integer.MAX_VALUE);
						List<CapturedChange> handedOver = recorded.changes();
						hash = this.schemaHash.get();
						if (recorded.recorded()) {
							this.recordedThrough = Math.max(this.recordedThrough, recorded.through());
						}
						else {
							toRecord = handedOver;
							toRecordAfter = cursor;
						}
						if (handedOver != null) {
							recordedAhead.addAll(handedOver);
							recordedHash = hash;
							batch = take(recordedAhead, this.batchSize);
						}
						else {
							// Recorded earlier (by an apply batch): read from the log. Nothing recorded past the cursor
							// (mostly a wake-up by an acknowledgement): no read at all.
							batch = (recorded.through() > cursor)
									? this.reader.readAfter(cursor, recorded.through(), this.batchSize) : List.of();
						}
					}
					finally {
						this.captureLayoutLock.unlock();
					}
				}
				else {
					batch = take(recordedAhead, this.batchSize);
					hash = recordedHash;
				}
				if (!batch.isEmpty()) {
					aheadAfter = batch.get(batch.size() - 1).id();
				}
				if (batch.isEmpty()) {
					if (oldest != null && !oldest.acknowledged() && !this.retryNow
							&& oldest.age() < ACK_TIMEOUT.toNanos() && !lost(oldest.sentAt)) {
						// Woken by a commit (sent at once) or by the round's last acknowledgement (settled then).
						this.signal.await(this.pollInterval);
						continue;
					}
					if (oldest != null) {
						if (!settleOldest(inFlight)) {
							cursor = retryFrom;
							backoff = backOff(backoff);
						}
						continue;
					}
					this.signal.await(this.pollInterval);
					continue;
				}
				if (oldest == null) {
					// A retry asked for before this round is this round; with a round in flight, it is that round's.
					this.retryNow = false;
				}
				int format = this.wireFormat.getAsInt();
				boolean chunked = format >= ChangeEventCodec.FORMAT_CHUNKED;
				inFlight.addLast(inFlight(roundStart, send(batch, hash, epoch,
						this.codec.withFormat(Math.min(format, ChangeEventCodec.FORMAT_VERSIONED)), chunked)));
				cursor = batch.get(batch.size() - 1).id();
				if (!toRecord.isEmpty()) {
					// Recorded while the servers store the round: the write lock is taken after the send, not before.
					List<CapturedChange> sent = toRecord;
					toRecord = List.of();
					this.recordedThrough = Math.max(this.recordedThrough, this.recorder.recordSent(toRecordAfter, sent));
				}
				if (inFlight.size() < ROUNDS_IN_FLIGHT) {
					continue;
				}
				if (settleOldest(inFlight)) {
					backoff = Duration.ofMillis(100);
				}
				else {
					cursor = retryFrom;
					backoff = backOff(backoff);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				toRecord = List.of();
				// Messages of this round may have been stored after one that failed: re-send the round under new ids,
				// from the start of the oldest round not settled; the rounds in flight that were not being settled are
				// settled first, so that their acknowledged changes are marked and skipped.
				settleQuietly(inFlight);
				cursor = retryFrom;
				this.failedRounds++;
				this.stats.recordFailure();
				logger.warn("Node {}: publishing failed, retrying in {} ms: {}", this.nodeId, backoff.toMillis(),
						ex.getMessage());
				try {
					backoff = backOff(backoff);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
		// Stopping: the rounds in flight are acknowledged and handed over before the marks are flushed.
		settleQuietly(inFlight);
	}

	private static List<CapturedChange> take(Deque<CapturedChange> changes, int most) {
		List<CapturedChange> taken = new ArrayList<>(Math.min(most, changes.size()));
		while (taken.size() < most && !changes.isEmpty()) {
			taken.add(changes.removeFirst());
		}
		return taken;
	}

	/** A round just sent; its last acknowledgement wakes the publisher, which may be waiting for new changes. */
	private InFlight inFlight(long start, List<Sent> sent) {
		CompletableFuture.allOf(sent.stream().map(Sent::ack).toArray(CompletableFuture[]::new))
			.whenComplete((result, failure) -> this.signal.raise());
		return new InFlight(start, sent, System.nanoTime());
	}

	/**
	 * Settles the oldest round in flight: waits for its acknowledgements and hands over for marking what may be
	 * marked. When it failed, the rounds sent behind it are settled at once too: their messages of the failed shards
	 * may be stored after the failed one, so they are not marked and are sent again.
	 * @return whether every message of the round was acknowledged; when not, no round is left in flight
	 */
	private boolean settleOldest(Deque<InFlight> inFlight) throws InterruptedException {
		InFlight round = inFlight.removeFirst();
		Set<Integer> failedShards;
		try {
			failedShards = awaitAndMark(round.sent, round.sentAt, new HashSet<>());
		}
		catch (RuntimeException ex) {
			// Which of its messages failed is unknown: nothing behind it is marked, all is read again from its start.
			inFlight.clear();
			throw ex;
		}
		if (failedShards.isEmpty()) {
			return true;
		}
		settleAll(inFlight, failedShards);
		this.failedRounds++;
		// The rounds are read again from the failed one's start: what was acknowledged must be marked before, so it is
		// skipped.
		this.marks.flush();
		return false;
	}

	/**
	 * Settles every round in flight, oldest first, with the shards that failed so far: none of their messages is
	 * marked, and the shards that fail here are added.
	 */
	private void settleAll(Deque<InFlight> inFlight, Set<Integer> failedShards) throws InterruptedException {
		while (!inFlight.isEmpty()) {
			InFlight round = inFlight.removeFirst();
			awaitAndMark(round.sent, round.sentAt, failedShards);
		}
	}

	/**
	 * Settles the rounds in flight after a failure or when stopping, oldest first; a shard's messages sent behind one
	 * of its messages that failed are not marked. What is not marked stays pending and is sent again.
	 */
	private void settleQuietly(Deque<InFlight> inFlight) {
		try {
			settleAll(inFlight, new HashSet<>());
			this.marks.flush();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug("Node {}: could not settle the rounds in flight: {}", this.nodeId, ex.getMessage());
		}
		inFlight.clear();
	}

	/**
	 * Sends one batch without waiting for its acknowledgements. The batch's changes are grouped per shard, in order, into
	 * messages of up to {@link #MAX_EVENTS_PER_MESSAGE} changes and {@link #MAX_MESSAGE_BYTES} bytes; a message's id
	 * names its node, capture epoch, first and last change, so a message re-sent after a crash with the same changes is
	 * dropped by JetStream as a duplicate. A change too large for one message is split into chunks when every node
	 * reassembles them ({@code chunked}), and rejected otherwise.
	 * @return the messages sent, in order
	 */
	private List<Sent> send(List<CapturedChange> batch, String hash, long epoch, ChangeEventCodec roundCodec,
			boolean chunked) throws InterruptedException {
		Map<Integer, Message> open = new HashMap<>();
		List<Sent> sent = new ArrayList<>();
		int maxBody = chunked ? MAX_CHUNKED_BODY_BYTES : MAX_DECODABLE_BODY_BYTES;
		for (CapturedChange change : batch) {
			ChangeEvent event = change.event();
			if (change.unreplicable() != null) {
				reject(change, change.unreplicable());
				continue;
			}
			int shard = this.router.shardOf(event);
			byte[] body = roundCodec.encodeBody(event, hash);
			if (body.length > maxBody) {
				// Compression could squeeze it under the server's limit, but no node would decode it.
				reject(change, "Encoded change is " + body.length + " bytes but a change may have at most " + maxBody
						+ " bytes" + (chunked ? "; store values this large outside the database"
								: "; nodes split larger changes into chunks once every node runs a release that "
										+ "reassembles them (wire format " + ChangeEventCodec.FORMAT_CHUNKED
										+ "): upgrade the older nodes"));
				continue;
			}
			Message message = open.get(shard);
			if (message != null && !message.fits(body)) {
				send(message, epoch, sent, roundCodec, chunked);
				message = null;
			}
			if (message == null) {
				message = new Message(shard);
				open.put(shard, message);
			}
			message.add(change, body);
		}
		for (Message message : open.values()) {
			send(message, epoch, sent, roundCodec, chunked);
		}
		return sent;
	}

	private void send(Message message, long epoch, List<Sent> sent, ChangeEventCodec roundCodec, boolean chunked)
			throws InterruptedException {
		byte[] payload = roundCodec.encodeAll(message.bodies);
		List<CapturedChange> changes = message.changes;
		// The payload's checksum makes the id tell contents apart: change ids repeat after the database file was put
		// back to an older copy, and JetStream would drop new changes under an old id as duplicates.
		CRC32 checksum = new CRC32();
		checksum.update(payload);
		String messageId = this.nodeId + "-" + epoch + "-" + changes.get(0).id() + "-" + changes.get(changes.size() - 1).id()
				+ "-" + String.format("%08x", checksum.getValue())
				+ ((this.failedRounds > 0) ? "-r" + this.failedRounds : "");
		this.window.acquire();
		try {
			CompletableFuture<?> ack = this.sink.publish(message.shard, messageId, payload);
			ack.whenComplete((result, failure) -> this.window.release());
			sent.add(new Sent(message.shard, changes, ack));
		}
		catch (MessageTooLargeException ex) {
			this.window.release();
			if (changes.size() == 1) {
				if (chunked) {
					sendChunks(message.shard, changes.get(0), messageId, payload, sent);
				}
				else {
					reject(changes.get(0), ex.getMessage() + ". Nodes split larger changes into chunks once every "
							+ "node runs a release that reassembles them (wire format " + ChangeEventCodec.FORMAT_CHUNKED
							+ "): upgrade the older nodes");
				}
				return;
			}
			// Compression or framing pushed a group over the limit: send its changes one by one.
			for (int i = 0; i < changes.size(); i++) {
				Message single = new Message(message.shard);
				single.add(changes.get(i), message.bodies.get(i));
				send(single, epoch, sent, roundCodec, chunked);
			}
		}
		catch (RuntimeException | Error ex) {
			// An Error too: the worker restarts this publisher, which must not have lost a place in the window.
			this.window.release();
			throw ex;
		}
	}

	/**
	 * Sends a message too large for the server in chunks, in order, each acknowledged before the next is sent, since
	 * each names the stream sequence of the one before. Only the last chunk's acknowledgement joins the round: the
	 * change is marked published after it. A chunk that fails ends the change's attempt; the change stays pending, is
	 * sent again whole, and the chunks already stored only move the receivers' positions.
	 */
	private void sendChunks(int shard, CapturedChange change, String messageId, byte[] payload, List<Sent> sent)
			throws InterruptedException {
		int size = this.sink.chunkSize();
		int count = (int) ((payload.length + (long) size - 1) / size);
		String checksum = ChunkHeader.sha256(payload);
		logger.debug("Node {}: change {} is {} bytes, sent in {} chunks of up to {} bytes", this.nodeId, change.id(),
				payload.length, count, size);
		long previous = 0;
		for (int index = 1; index <= count; index++) {
			int offset = (index - 1) * size;
			byte[] piece = Arrays.copyOfRange(payload, offset, Math.min(payload.length, offset + size));
			ChunkHeader chunk = new ChunkHeader(messageId, index, count, offset, payload.length, checksum, previous);
			// The checksum in the id keeps a re-sent change whose bytes differ from being mixed with earlier chunks.
			String chunkId = messageId + "-" + checksum.substring(0, 16) + "-c" + index;
			this.window.acquire();
			CompletableFuture<Long> ack;
			try {
				ack = this.sink.publishChunk(shard, chunkId, piece, chunk);
				ack.whenComplete((result, failure) -> this.window.release());
			}
			catch (RuntimeException | Error ex) {
				this.window.release();
				throw ex;
			}
			if (chunk.isLast()) {
				sent.add(new Sent(shard, List.of(change), ack));
				return;
			}
			try {
				long chunkSent = System.nanoTime();
				previous = awaitAck(ack, chunkSent + ACK_TIMEOUT.toNanos(), chunkSent);
			}
			catch (ExecutionException | TimeoutException ex) {
				sent.add(new Sent(shard, List.of(change), CompletableFuture.failedFuture(
						(ex instanceof ExecutionException) ? ex.getCause() : ex)));
				return;
			}
		}
	}

	/**
	 * Waits for the acknowledgements and hands over for marking what may be marked: per shard, only the messages
	 * before the first one that failed. A later message of that shard may have been stored already, but it stays
	 * pending and is sent again behind the failed one, under a new id, so that the stream's last word on each row is
	 * still the newest change.
	 * @param sent the messages, in the order sent
	 * @param sentAt when they were sent ({@link System#nanoTime()})
	 * @param failedShards shards that failed in a round sent before: none of their messages is marked; the shards that
	 * fail here are added
	 * @return the failed shards
	 */
	private Set<Integer> awaitAndMark(List<Sent> sent, long sentAt, Set<Integer> failedShards)
			throws InterruptedException {
		List<CapturedChange> acknowledged = new ArrayList<>();
		boolean warned = !failedShards.isEmpty();
		long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
		for (Sent message : sent) {
			try {
				awaitAck(message.ack, deadline, sentAt);
				if (!failedShards.contains(message.shard)) {
					acknowledged.addAll(message.changes);
				}
			}
			catch (ExecutionException | TimeoutException ex) {
				if (!warned) {
					warned = true;
					Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
					logger.warn("Node {}: {} change(s) starting at {} were not acknowledged ({}); they stay pending and will be retried",
							this.nodeId, message.changes.size(), message.changes.get(0).id(), String.valueOf(cause));
				}
				this.stats.recordFailure();
				failedShards.add(message.shard);
			}
		}
		if (!recordedThrough(acknowledged.stream().mapToLong(CapturedChange::id).max().orElse(0))) {
			// Not recorded, so not marked: the round is sent again once recording works (its copies are duplicates).
			sent.forEach((message) -> failedShards.add(message.shard));
			return failedShards;
		}
		acknowledged.forEach((change) -> this.stats.recordPublished(change.event().table()));
		this.marks.add(acknowledged);
		return failedShards;
	}

	/**
	 * Whether every change up to an id is recorded, recording what is pending when not: a change sent before it was
	 * recorded is marked published only once recorded, or this node's conflict decisions would never see it.
	 */
	private boolean recordedThrough(long id) {
		try {
			while (this.recordedThrough < id) {
				long through = this.recorder.recordPending(this.recordedThrough, 1).through();
				if (through <= this.recordedThrough) {
					return false;
				}
				this.recordedThrough = through;
			}
			return true;
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: changes acknowledged by JetStream could not be recorded here ({}); they stay pending "
					+ "and are sent again", this.nodeId, ex.getMessage());
			return false;
		}
	}

	/**
	 * Waits after a failed round: new local changes do not cut the wait short (a node writing all the time would send
	 * into a failing JetStream without pause), only {@link #retryNow()} and {@link #stop()} do.
	 * @return the wait after the next failure: twice this one, at most {@link #MAX_BACKOFF}
	 */
	private Duration backOff(Duration backoff) throws InterruptedException {
		long deadline = System.nanoTime() + backoff.toNanos();
		while (this.running && !this.retryNow) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				break;
			}
			this.signal.await(Duration.ofNanos(remaining));
		}
		return min(backoff.multipliedBy(2), MAX_BACKOFF);
	}

	/**
	 * Waits for one acknowledgement until the deadline, in short slices so that {@link #retryNow()} ends the wait, and
	 * so does JetStream answering {@link #ACK_RESEND} after the message was sent while it is still unacknowledged.
	 */
	private <T> T awaitAck(CompletableFuture<T> ack, long deadline, long sentAt)
			throws InterruptedException, ExecutionException, TimeoutException {
		while (true) {
			long remaining = deadline - System.nanoTime();
			if (this.retryNow && !ack.isDone()) {
				throw new TimeoutException("JetStream answers again; sending again rather than waiting");
			}
			if (lost(sentAt) && !ack.isDone()) {
				throw new TimeoutException("not acknowledged although JetStream answered " + ACK_RESEND.toSeconds()
						+ " s after it was sent (the message was lost on the way); sending again");
			}
			try {
				return ack.get(Math.max(0, Math.min(remaining, ACK_SLICE.toNanos())), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				if (remaining <= ACK_SLICE.toNanos()) {
					throw ex;
				}
			}
		}
	}

	private void reject(CapturedChange change, String reason) {
		ChangeEvent event = change.event();
		logger.error("Node {}: change {} of table '{}' with key {} cannot be replicated and is marked failed: {}",
				this.nodeId, change.id(), event.table(), event.primaryKeyValues(), reason);
		this.reader.markFailed(change.id());
		this.stats.recordRejected(new RejectedChange(change.id(), event.table(),
				String.valueOf(event.primaryKeyValues()), reason));
	}

	/** Whether JetStream answered {@link #ACK_RESEND} after a message was sent: an acknowledgement still missing is lost. */
	private boolean lost(long sentAt) {
		return this.lastAnswer - sentAt > ACK_RESEND.toNanos();
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private record Sent(int shard, List<CapturedChange> changes, CompletableFuture<?> ack) {
	}

	/** A round sent and not settled yet: its messages, the position it was read from, and when it was sent. */
	private record InFlight(long start, List<Sent> sent, long sentAt) {

		boolean acknowledged() {
			return this.sent.stream().allMatch((message) -> message.ack.isDone());
		}

		long age() {
			return System.nanoTime() - this.sentAt;
		}

	}

	/** Changes of one shard that travel as one message. */
	private static final class Message {

		private final int shard;

		private final List<CapturedChange> changes = new ArrayList<>();

		private final List<byte[]> bodies = new ArrayList<>();

		private long bytes;

		Message(int shard) {
			this.shard = shard;
		}

		boolean fits(byte[] body) {
			return this.changes.size() < MAX_EVENTS_PER_MESSAGE && this.bytes + body.length <= MAX_MESSAGE_BYTES;
		}

		void add(CapturedChange change, byte[] body) {
			this.changes.add(change);
			this.bodies.add(body);
			this.bytes += body.length + 5;
		}

	}

}
