package io.harmonylite.snapshot;

import java.sql.Connection;
import java.util.List;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.schema.SchemaHasher;
import io.harmonylite.schema.TableSchema;

/**
 * The node's table selection ({@code harmonylite.tables}, {@code harmonylite.ignore-tables}), to tell replicated user
 * tables from the node's own and to hash their schema the way the engine does.
 *
 * @param tables the tables to replicate; empty means every user table
 * @param ignoreTables tables never replicated
 * @since 0.1.0
 */
public record ReplicatedTables(List<String> tables, List<String> ignoreTables) {

	public ReplicatedTables {
		tables = List.copyOf(tables);
		ignoreTables = List.copyOf(ignoreTables);
	}

	/**
	 * Every user table replicated.
	 * @return the selection with no lists
	 */
	public static ReplicatedTables all() {
		return new ReplicatedTables(List.of(), List.of());
	}

	/**
	 * The replicated tables of a database: those a running node captures (a table created since it started that
	 * cannot be captured, such as one without a primary key, is not replicated, so no snapshot carries it).
	 * @param connection a connection to it
	 * @return the replicated tables
	 */
	public List<TableSchema> resolve(Connection connection) {
		return new ChangeCapture(connection, this.tables, this.ignoreTables).capturedTables();
	}

	/**
	 * The schema hash of a database's replicated tables, as the engine computes it.
	 * @param connection a connection to it
	 * @return the hash
	 */
	public String schemaHash(Connection connection) {
		return SchemaHasher.hash(resolve(connection));
	}

}
