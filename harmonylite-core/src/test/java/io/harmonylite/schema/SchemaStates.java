package io.harmonylite.schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Schema hashes and node states for tests of the cluster view and of what is printed from it.
 */
public final class SchemaStates {

	/** A schema hash, the oldest of the three. */
	public static final String OLD = "6bae09c0" + "0".repeat(56);

	/** A newer schema hash. */
	public static final String NEW = "9b1c2d3e" + "1".repeat(56);

	/** The newest schema hash. */
	public static final String NEWER = "3f2a1b4c" + "2".repeat(56);

	private SchemaStates() {
	}

	/**
	 * A node watching {@code Books}.
	 * @param nodeId the node
	 * @param hash its current hash
	 * @param previous its previous hash
	 * @return the node's state
	 */
	public static NodeSchemaState node(long nodeId, String hash, @Nullable String previous) {
		return new NodeSchemaState(nodeId, hash, previous, "v0.1.0", List.of("Books"), Instant.EPOCH);
	}

	public static NodeSchemaState node(long id, String hash, @Nullable String previous, String migration,
			Map<String, List<String>> columns) {
		return new NodeSchemaState(id, hash, previous, "v0.1.0", List.copyOf(columns.keySet()),
				Instant.parse("2025-01-01T10:00:00Z"), migration, columns);
	}

}
