package io.harmonylite.engine;

import org.jspecify.annotations.Nullable;

/**
 * One of this node's dead letters, for the operator: where it came from, why it was dead-lettered, what it changes and
 * whether it was re-applied here.
 *
 * @param sequence its sequence in the dead-letter stream
 * @param stream the shard stream it was read from
 * @param originSequence its sequence in that stream
 * @param reason why it was dead-lettered
 * @param table the table of its first change, {@code null} when it cannot be read or decoded
 * @param changes how many changes it carries, 0 when it cannot be read or decoded
 * @param schemaHash the schema hash of its first change, {@code null} when it cannot be read or decoded
 * @param payloadOmitted whether the dead letter holds no payload (a change too large for it), so re-applying reads it
 * back from its shard stream
 * @param reapplied whether it was re-applied on this node
 * @since 0.1.0
 */
public record DeadLetterEntry(long sequence, String stream, long originSequence, String reason,
		@Nullable String table, int changes, @Nullable String schemaHash, boolean payloadOmitted, boolean reapplied) {
}
