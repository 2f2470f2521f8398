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

	/**
	 * Starts from the stored positions.
	 * @param stored the positions read from the database, by stream
	 */
	public AppliedPositions(Map<String, Long> stored) {
		this.applied.putAll(stored);
	}

	/**
	 * The last sequence of a stream applied (or dead-lettered) here.
	 * @param stream the stream
	 * @return the sequence, 0 when none
	 */
	public long of(String stream) {
		return this.applied.getOrDefault(stream, 0L);
	}

	void committed(Map<String, Long> positions) {
		this.applied.putAll(positions);
	}

	void skipped(StreamPosition position) {
		this.applied.merge(position.stream(), position.sequence(), Math::max);
	}

}
