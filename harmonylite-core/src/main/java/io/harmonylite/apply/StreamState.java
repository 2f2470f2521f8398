package io.harmonylite.apply;

/**
 * What a shard stream holds now, as far as the apply side needs to know it.
 *
 * @param firstSequence the first sequence the stream still holds (1 for a new stream, last + 1 when it is empty)
 * @param lastSequence the last sequence it holds, 0 when nothing was ever stored
 * @param identity what tells this stream from an earlier one of the same name (its creation time)
 * @param leaderKnown whether the answer came with the stream's leader (a replica of a replicated stream that knows no
 * leader, e.g. on a server that restarted and has not caught up, can answer with its outdated state)
 * @since 0.1.0
 */
public record StreamState(long firstSequence, long lastSequence, String identity, boolean leaderKnown) {

	/**
	 * The state of a stream as its leader (or its single server) tells it.
	 * @param firstSequence the first sequence the stream still holds
	 * @param lastSequence the last sequence it holds, 0 when nothing was ever stored
	 * @param identity what tells this stream from an earlier one of the same name
	 */
	public StreamState(long firstSequence, long lastSequence, String identity) {
		this(firstSequence, lastSequence, identity, true);
	}

}
