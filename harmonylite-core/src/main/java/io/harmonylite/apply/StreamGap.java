package io.harmonylite.apply;

import java.util.function.LongPredicate;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Messages a node needs that its stream no longer holds; replication of the shard stops until an operator acts.
 * {@link #find} holds the rules: the stream dropped the messages (too old), lost them (it was deleted and re-created,
 * so its sequences start again), or had the next one deleted from the middle.
 *
 * @param stream the stream
 * @param appliedSequence the last sequence applied on this node
 * @param problem what is missing and why
 * @param remedy what the operator can do
 * @since 0.1.0
 */
public record StreamGap(String stream, long appliedSequence, String problem, String remedy) {

	private static final String COPY = "Copy a healthy node's database to this node by hand, as described under "
			+ "'Stream gap' in docs/operations.md.";

	private static final String RESET_POSITION = " If this node's data is known to be complete, delete the stream's "
			+ "row from __harmonylite__apply_position to read the new stream from its start.";

	/**
	 * Finds the gap, if any, between what this node applied and what the stream holds, checking in order: the stream
	 * ends before this node's position, it is another stream than the one this node read, it dropped the next message
	 * (too old), or the next message was deleted.
	 * @param stream the stream
	 * @param appliedSequence the last sequence applied here, 0 when none
	 * @param state the stream's state now
	 * @param sameStream tells whether the stream with the given identity is the one this node read (and records it)
	 * @param holds tells whether the stream holds a sequence
	 * @return the gap, or {@code null} when the stream holds the next message this node needs (or nothing is missing)
	 */
	public static @Nullable StreamGap find(String stream, long appliedSequence, StreamState state,
			Predicate<String> sameStream, LongPredicate holds) {
		if (appliedSequence > state.lastSequence()) {
			return reset(stream, appliedSequence, state.lastSequence());
		}
		if (!sameStream.test(state.identity())) {
			return recreated(stream, appliedSequence, state.identity());
		}
		if (appliedSequence + 1 < state.firstSequence()) {
			return truncated(stream, appliedSequence, state.firstSequence());
		}
		if (appliedSequence < state.lastSequence() && !holds.test(appliedSequence + 1)) {
			return deleted(stream, appliedSequence);
		}
		return null;
	}

	static StreamGap truncated(String stream, long appliedSequence, long firstAvailable) {
		return new StreamGap(stream, appliedSequence, "no longer holds sequences " + (appliedSequence + 1) + " to "
				+ (firstAvailable - 1) + " that this node has not applied (last applied " + appliedSequence
				+ ", first available " + firstAvailable + ")",
				COPY + " Raise harmonylite.replication.max-entries to keep more history.");
	}

	static StreamGap reset(String stream, long appliedSequence, long lastSequence) {
		return new StreamGap(stream, appliedSequence, "ends at sequence " + lastSequence + ", before sequence "
				+ appliedSequence + " that this node already applied: the stream was deleted and re-created (or "
				+ "reset), so its sequences no longer match this node's position", COPY + RESET_POSITION);
	}

	static StreamGap recreated(String stream, long appliedSequence, String createdAt) {
		return new StreamGap(stream, appliedSequence, "was deleted and re-created since this node applied sequence "
				+ appliedSequence + " of the old one (the stream there now was created at " + createdAt
				+ "), so its sequences no longer match this node's position", COPY + RESET_POSITION);
	}

	static StreamGap deleted(String stream, long appliedSequence) {
		return new StreamGap(stream, appliedSequence, "no longer holds sequence " + (appliedSequence + 1)
				+ ", the next one this node needs: it was deleted from the stream",
				COPY + " If the message was removed on purpose, set the stream's sequence in "
						+ "__harmonylite__apply_position to " + (appliedSequence + 1) + " to go on after it.");
	}

	/**
	 * A message for the operator.
	 * @return the description
	 */
	public String describe() {
		return "stream " + this.stream + " " + this.problem + "; replication of this shard is stopped. " + this.remedy;
	}

}
