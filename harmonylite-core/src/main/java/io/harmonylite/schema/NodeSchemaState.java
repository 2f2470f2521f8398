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
 * @param wireFormat the newest change event format the node reads; 1 for a node of a release that did not say
 * @since 0.1.0
 */
public record NodeSchemaState(long nodeId, String schemaHash, @Nullable String previousHash, String harmonyLiteVersion,
		List<String> watchedTables, Instant updatedAt, int wireFormat) {

	/** The format of nodes that do not advertise one: the previous release, which reads only format 1. */
	public static final int UNVERSIONED_FORMAT = 1;

	public NodeSchemaState {
		Objects.requireNonNull(schemaHash, "schemaHash");
		Objects.requireNonNull(harmonyLiteVersion, "harmonyLiteVersion");
		Objects.requireNonNull(updatedAt, "updatedAt");
		watchedTables = List.copyOf(watchedTables);
		if (wireFormat < 1) {
			throw new IllegalArgumentException("A wire format is at least 1, was " + wireFormat);
		}
	}

	/**
	 * A state of a node that does not advertise its wire format, so reads only format 1.
	 * @param nodeId the node's id
	 * @param schemaHash the node's current schema hash
	 * @param previousHash the node's previous schema hash, {@code null} when there is none
	 * @param harmonyLiteVersion the HarmonyLite version the node runs
	 * @param watchedTables the tables the node replicates
	 * @param updatedAt when the node published this state
	 */
	public NodeSchemaState(long nodeId, String schemaHash, @Nullable String previousHash, String harmonyLiteVersion,
			List<String> watchedTables, Instant updatedAt) {
		this(nodeId, schemaHash, previousHash, harmonyLiteVersion, watchedTables, updatedAt, UNVERSIONED_FORMAT);
	}

}
