package io.harmonylite.schema;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The schema hashes a node has recorded: the current one and the one before it.
 *
 * @param hash the current schema hash
 * @param previousHash the hash before the last schema change, {@code null} until the schema changed once
 * @param updatedAt when the current hash was recorded
 * @param harmonyLiteVersion the HarmonyLite version that recorded the current hash
 * @since 0.1.0
 */
public record SchemaVersion(String hash, @Nullable String previousHash, Instant updatedAt, String harmonyLiteVersion) {

	public SchemaVersion {
		Objects.requireNonNull(hash, "hash");
		Objects.requireNonNull(updatedAt, "updatedAt");
		Objects.requireNonNull(harmonyLiteVersion, "harmonyLiteVersion");
	}

}
