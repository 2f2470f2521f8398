package io.harmonylite.apply;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last sequence of each stream applied (or dead-lettered) on this node, kept in memory beside the positions the
 * {@link ChangeApplier} stores in the database: the {@link ApplyLoop} moves it, everything else reads it.
 *
 * @since 0.1.0
 */
public final class AppliedPositions {

	private final Map<String, Long> applied = new ConcurrentHashMap<>();

	/** The positions the database holds, as far as this node stored them: behind {@link #applied} by chunk pieces. */
	private final Map<String, Long> stored = new ConcurrentHashMap<>();

	/**
	 * Starts from the stored positions.
	 * @param stored the positions read from the database, by stream
	 */
	public AppliedPositions(Map<String, Long> stored) {
		this.applied.putAll(stored);
		this.stored.putAll(stored);
	}

	/**
	 * The last sequence of a stream this node stored in the database (the pieces of a change split over several
	 * messages are stored with its last piece).
	 * @param stream the stream
	 * @return the sequence, 0 when none
	 */
	long stored(String stream) {
		return this.stored.getOrDefault(stream, 0L);
	}

	/**
	 * The last sequence of a stream applied (or dead-lettered) here.
	 * @param stream the stream
	 * @return the sequence, 0 when none
	 */
	public long of(String stream) {
		return this.applied.getOrDefault(stream, 0L);
	}

	/**
	 * Replaces every position with those of a restored snapshot; call only while the {@link ApplyLoop} is paused.
	 * @param restored the positions the database now reflects, by stream
	 */
	public void restored(Map<String, Long> restored) {
		this.applied.clear();
		this.applied.putAll(restored);
		this.stored.clear();
		this.stored.putAll(restored);
	}

	void committed(Map<String, Long> positions) {
		this.applied.putAll(positions);
		this.stored.putAll(positions);
	}

	void skipped(StreamPosition position) {
		passed(position);
		this.stored.merge(position.stream(), position.sequence(), Math::max);
	}

	/**
	 * Moves past a message without storing its position, e.g. a piece of a change applied with its last piece.
	 * @param position the message's position
	 */
	void passed(StreamPosition position) {
		this.applied.merge(position.stream(), position.sequence(), Math::max);
	}

}
