package io.harmonylite.schema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What one node publishes about its schema to the cluster's schema registry.
 *
 * @param nodeId the node's id
 * @param schemaHash the node's current schema hash
 * @param previousHash the node's previous schema hash, {@code null} when there is none
 * @param harmonyLiteVersion the HarmonyLite version the node runs
 * @param watchedTables the tables the node replicates
 * @param updatedAt when the node published this state
 * @since 0.1.0
 */
public record NodeSchemaState(long nodeId, String schemaHash, @Nullable String previousHash, String harmonyLiteVersion,
		List<String> watchedTables, Instant updatedAt) {

	public NodeSchemaState {
		Objects.requireNonNull(schemaHash, "schemaHash");
		Objects.requireNonNull(harmonyLiteVersion, "harmonyLiteVersion");
		Objects.requireNonNull(updatedAt, "updatedAt");
		watchedTables = List.copyOf(watchedTables);
	}

}
