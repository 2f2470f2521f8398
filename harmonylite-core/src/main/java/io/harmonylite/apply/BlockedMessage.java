package io.harmonylite.apply;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import org.jspecify.annotations.Nullable;

/**
 * The message a shard waits on, for the operator: where it is, what it changes and why it waits.
 *
 * @param shard the shard
 * @param stream the shard's stream
 * @param sequence the message's sequence in the stream
 * @param table the table of its first change
 * @param operation the operation of its first change
 * @param key the primary-key values of its first change
 * @param changes how many changes the message carries
 * @param schemaHash the schema hash the message carries
 * @param reason why the shard waits, and what ends the wait
 * @param since when the shard started waiting on it
 * @since 0.1.0
 */
public record BlockedMessage(int shard, String stream, long sequence, String table, Operation operation,
		Map<String, @Nullable Object> key, int changes, String schemaHash, String reason, Instant since) {

	public BlockedMessage {
		key = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(key));
	}

	BlockedMessage withReason(String newReason) {
		return new BlockedMessage(this.shard, this.stream, this.sequence, this.table, this.operation, this.key,
				this.changes, this.schemaHash, newReason, this.since);
	}

	static BlockedMessage of(ReceivedMessage message, ChangeEvent first, int changes, String reason, Instant since) {
		Map<String, @Nullable Object> key = new LinkedHashMap<>();
		first.primaryKey().forEach((column) -> key.put(column, first.row().get(column)));
		return new BlockedMessage(message.shard(), message.position().stream(), message.position().sequence(),
				first.table(), first.operation(), key, changes, first.schemaHash(), reason, since);
	}

}
