package io.harmonylite.snapshot;

/**
 * What a shard stream holds now, to tell whether a snapshot's position can be resumed from.
 *
 * @param stream the stream name
 * @param identity the stream's incarnation (its creation time, as the apply side records it)
 * @param firstSequence the sequence of the oldest message the stream still holds
 * @param lastSequence the sequence of the newest message the stream holds (0 when it never held one)
 * @since 0.1.0
 */
public record StreamState(String stream, String identity, long firstSequence, long lastSequence) {
}
