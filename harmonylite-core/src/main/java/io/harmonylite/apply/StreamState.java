package io.harmonylite.apply;

/**
 * What a shard stream holds now, as far as the apply side needs to know it.
 *
 * @param firstSequence the first sequence the stream still holds (1 for a new stream, last + 1 when it is empty)
 * @param lastSequence the last sequence it holds, 0 when nothing was ever stored
 * @param identity what tells this stream from an earlier one of the same name (its creation time)
 * @since 0.1.0
 */
public record StreamState(long firstSequence, long lastSequence, String identity) {
}
