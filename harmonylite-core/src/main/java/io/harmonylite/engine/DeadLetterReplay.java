package io.harmonylite.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ApplyResult;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.ChangeApplyException;
import io.harmonylite.apply.DeadLetter;
import io.harmonylite.apply.DeadLetterStore;
import io.harmonylite.apply.InvalidChangeException;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.MalformedEventException;
import io.harmonylite.schema.SchemaGate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists this node's dead letters and applies them again after the operator fixed their cause, through the normal
 * apply path: each letter is one transaction of the {@link ChangeApplier}, merged by the conflict rule (so an older
 * version never overwrites a newer one), together with a position of its own, {@code <dead-letter stream>#<sequence>}
 * at sequence 1, so that a letter is never re-applied twice on this node, whatever filters later runs use. A letter
 * that still cannot be applied stays in the dead-letter stream and is reported with the reason; one re-applied is no
 * longer counted among the changes this node lacks ({@link io.harmonylite.apply.DeadLetteredChanges}).
 * <p>
 * Only the letters this node dead-lettered are considered: the stream is shared by the cluster, and another node's
 * letter says nothing about this database. A letter stored without its payload (a change too large for the
 * dead-letter stream, such as one split into chunks) is read back from its shard stream, while that stream holds it.
 *
 * @since 0.1.0
 */
public final class DeadLetterReplay {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterReplay.class);

	private final long nodeId;

	private final DeadLetterStore store;

	private final ChangeApplier applier;

	private final Function<List<PositionedChange>, ApplyResult> writer;

	private final SchemaGate gate;

	private final ChangeEventCodec codec;

	private final Predicate<String> gone;

	/**
	 * Creates the replay.
	 * @param nodeId this node's id: only its own letters are listed and re-applied
	 * @param store reads the dead letters
	 * @param applier the node's applier, for positions and the previous schema's dropped columns
	 * @param writer applies one letter's changes with the applier, between two batches of the apply loop when it runs
	 * @param gate this node's schema hashes: a letter is applied only with a hash the node accepts
	 * @param codec decodes the letters
	 * @param gone whether no node runs a schema hash any more while every node runs this node's (see
	 * {@link io.harmonylite.schema.UnknownHashQuarantine#gone}): a letter with it is applied where it fits
	 */
	public DeadLetterReplay(long nodeId, DeadLetterStore store, ChangeApplier applier,
			Function<List<PositionedChange>, ApplyResult> writer, SchemaGate gate, ChangeEventCodec codec,
			Predicate<String> gone) {
		this.nodeId = nodeId;
		this.store = store;
		this.applier = applier;
		this.writer = writer;
		this.gate = gate;
		this.codec = codec;
		this.gone = gone;
	}

	/**
	 * This node's dead letters that match a filter.
	 * @param filter which letters
	 * @return the letters, oldest first
	 */
	public List<DeadLetterEntry> list(DeadLetterFilter filter) {
		List<DeadLetterEntry> entries = new ArrayList<>();
		for (DeadLetter letter : own(filter)) {
			Read read = read(letter);
			if (matches(read, filter)) {
				entries.add(read.entry());
			}
		}
		return entries;
	}

	/**
	 * Applies this node's dead letters that match a filter and were not re-applied yet, oldest first.
	 * @param filter which letters
	 * @return what was re-applied, skipped and still fails
	 */
	public ReapplyReport reapply(DeadLetterFilter filter) {
		List<DeadLetterEntry> reapplied = new ArrayList<>();
		List<DeadLetterEntry> already = new ArrayList<>();
		List<ReapplyReport.Failure> failing = new ArrayList<>();
		for (DeadLetter letter : own(filter)) {
			Read read = read(letter);
			if (!matches(read, filter)) {
				continue;
			}
			if (read.entry().reapplied()) {
				already.add(read.entry());
				this.applier.reapplied(letter.sequence());
				continue;
			}
			String problem = (read.problem() != null) ? read.problem() : apply(letter, read);
			if (problem == null) {
				this.applier.reapplied(letter.sequence());
				reapplied.add(withReapplied(read.entry()));
				logger.info("Node {}: re-applied dead letter {} (message {} of stream {})", this.nodeId,
						letter.sequence(), letter.origin().sequence(), letter.origin().stream());
			}
			else {
				failing.add(new ReapplyReport.Failure(read.entry(), problem));
				logger.warn("Node {}: dead letter {} (message {} of stream {}) still cannot be applied: {}",
						this.nodeId, letter.sequence(), letter.origin().sequence(), letter.origin().stream(), problem);
			}
		}
		return new ReapplyReport(reapplied, already, failing);
	}

	private List<DeadLetter> own(DeadLetterFilter filter) {
		return this.store.read(filter.fromSequence(), filter.toSequence())
			.stream()
			.filter((letter) -> letter.rejectedBy() == this.nodeId)
			.toList();
	}

	private @Nullable String apply(DeadLetter letter, Read read) {
		GatedChanges gated = GatedChanges.of(read.events(), new StreamPosition(positionStream(letter), 1), this.gate,
				this.applier, this.gone);
		if (gated.problem() != null) {
			return gated.problem();
		}
		List<PositionedChange> changes = gated.changes();
		try {
			this.writer.apply(changes);
			return null;
		}
		catch (InvalidChangeException | ChangeApplyException ex) {
			return rootMessage(ex);
		}
		catch (HarmonyLiteException ex) {
			return "could not be applied now: " + rootMessage(ex);
		}
	}

	private Read read(DeadLetter letter) {
		boolean omitted = letter.payload() == null;
		boolean reapplied = this.applier.position(positionStream(letter)) > 0;
		byte[] payload = omitted ? this.store.original(letter.origin()) : letter.payload();
		if (payload == null) {
			return new Read(entry(letter, null, List.of(), true, reapplied), List.of(),
					"it was stored without its payload (" + "too large for the dead letter) and stream "
							+ letter.origin().stream() + " no longer holds message " + letter.origin().sequence());
		}
		try {
			List<ChangeEvent> events = this.codec.decodeAll(payload);
			return new Read(entry(letter, events.get(0), events, omitted, reapplied), events, null);
		}
		catch (MalformedEventException ex) {
			return new Read(entry(letter, null, List.of(), omitted, reapplied), List.of(),
					"it cannot be decoded: " + ex.getMessage());
		}
	}

	private static DeadLetterEntry entry(DeadLetter letter, @Nullable ChangeEvent first, List<ChangeEvent> events,
			boolean omitted, boolean reapplied) {
		return new DeadLetterEntry(letter.sequence(), letter.origin().stream(), letter.origin().sequence(),
				letter.reason(), (first != null) ? first.table() : null, events.size(),
				(first != null) ? first.schemaHash() : null, omitted, reapplied);
	}

	private static DeadLetterEntry withReapplied(DeadLetterEntry entry) {
		return new DeadLetterEntry(entry.sequence(), entry.stream(), entry.originSequence(), entry.reason(),
				entry.table(), entry.changes(), entry.schemaHash(), entry.payloadOmitted(), true);
	}

	private static boolean matches(Read read, DeadLetterFilter filter) {
		String table = filter.table();
		return table == null
				|| read.events().stream().anyMatch((event) -> event.table().equals(table));
	}

	private String positionStream(DeadLetter letter) {
		return this.store.stream() + "#" + letter.sequence();
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return (root == failure) ? String.valueOf(failure.getMessage())
				: failure.getMessage() + " (" + root.getMessage() + ")";
	}

	/** A letter decoded, or the reason it cannot be. */
	private record Read(DeadLetterEntry entry, List<ChangeEvent> events, @Nullable String problem) {
	}

}
