package io.harmonylite.schema;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param migrationVersion the application's schema migration the database is at, such as {@code flyway:3};
 * {@code null} when unknown (no migration tool, or a node of an older version)
 * @param columns per watched table, its columns as {@code name TYPE}; empty when unknown (a node of an older version)
 * @param wireFormat the newest change event format the node reads; 1 for a node of a release that did not say
 * @since 0.1.0
 */
public record NodeSchemaState(long nodeId, String schemaHash, @Nullable String previousHash, String harmonyLiteVersion,
		List<String> watchedTables, Instant updatedAt, @Nullable String migrationVersion,
		Map<String, List<String>> columns, int wireFormat) {

	/** The format of nodes that do not advertise one: the previous release, which reads only format 1. */
	public static final int UNVERSIONED_FORMAT = 1;

	public NodeSchemaState {
		Objects.requireNonNull(schemaHash, "schemaHash");
		Objects.requireNonNull(harmonyLiteVersion, "harmonyLiteVersion");
		Objects.requireNonNull(updatedAt, "updatedAt");
		watchedTables = List.copyOf(watchedTables);
		Map<String, List<String>> copy = new LinkedHashMap<>();
		columns.forEach((table, names) -> copy.put(table, List.copyOf(names)));
		columns = Collections.unmodifiableMap(copy);
		if (wireFormat < 1) {
			throw new IllegalArgumentException("A wire format is at least 1, was " + wireFormat);
		}
	}

	/**
	 * A state without wire format, as nodes of earlier versions publish it: they read only format 1.
	 * @param nodeId the node's id
	 * @param schemaHash the node's current schema hash
	 * @param previousHash the node's previous schema hash, {@code null} when there is none
	 * @param harmonyLiteVersion the HarmonyLite version the node runs
	 * @param watchedTables the tables the node replicates
	 * @param updatedAt when the node published this state
	 * @param migrationVersion the application's schema migration the database is at, {@code null} when unknown
	 * @param columns per watched table, its columns as {@code name TYPE}; empty when unknown
	 */
	public NodeSchemaState(long nodeId, String schemaHash, @Nullable String previousHash, String harmonyLiteVersion,
			List<String> watchedTables, Instant updatedAt, @Nullable String migrationVersion,
			Map<String, List<String>> columns) {
		this(nodeId, schemaHash, previousHash, harmonyLiteVersion, watchedTables, updatedAt, migrationVersion, columns,
				UNVERSIONED_FORMAT);
	}

	/**
	 * A state without migration version, columns and wire format, as nodes of earlier versions publish it.
	 * @param nodeId the node's id
	 * @param schemaHash the node's current schema hash
	 * @param previousHash the node's previous schema hash, {@code null} when there is none
	 * @param harmonyLiteVersion the HarmonyLite version the node runs
	 * @param watchedTables the tables the node replicates
	 * @param updatedAt when the node published this state
	 */
	public NodeSchemaState(long nodeId, String schemaHash, @Nullable String previousHash, String harmonyLiteVersion,
			List<String> watchedTables, Instant updatedAt) {
		this(nodeId, schemaHash, previousHash, harmonyLiteVersion, watchedTables, updatedAt, null, Map.of());
	}

	/**
	 * The columns of tables as published in {@link #columns()}.
	 * @param tables the tables
	 * @return per table, in order, its columns as {@code name TYPE} ({@code name} alone for an untyped column)
	 */
	public static Map<String, List<String>> columnsOf(List<TableSchema> tables) {
		Map<String, List<String>> columns = new LinkedHashMap<>();
		for (TableSchema table : tables) {
			columns.put(table.name(), table.columns()
				.stream()
				.map((column) -> column.declaredType().isEmpty() ? column.name()
						: column.name() + " " + column.declaredType())
				.toList());
		}
		return columns;
	}

}
