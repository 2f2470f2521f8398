package io.harmonylite.node.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaHasher;

/**
 * Renders the texts of the {@code --schema-status} and {@code --schema-status-cluster} commands. Hashes show their
 * first {@value SchemaHasher#SHORT_LENGTH} characters; lines are separated by {@code \n}, without a final one.
 *
 * @since 0.1.0
 */
public final class SchemaStatusFormatter {

	private SchemaStatusFormatter() {
	}

	/**
	 * The local node's status, for example:
	 * <pre>
	 * Schema Status for Node 1
	 *   Schema Hash: 6bae09c0... (first 8 chars)
	 *   Node ID: 1
	 *   HarmonyLite Version: v0.1.0
	 *   Watched Tables: Books
	 * </pre>
	 * @param node the node's state
	 * @return the text; several watched tables are separated by {@code ", "}, none shows {@code (none)}
	 */
	public static String node(NodeSchemaState node) {
		return String.join("\n", "Schema Status for Node " + node.nodeId(),
				"  Schema Hash: " + SchemaHasher.shortHash(node.schemaHash()) + "... (first "
						+ SchemaHasher.SHORT_LENGTH + " chars)",
				"  Node ID: " + node.nodeId(), "  HarmonyLite Version: " + node.harmonyLiteVersion(),
				"  Watched Tables: " + (node.watchedTables().isEmpty() ? "(none)" : String.join(", ", node.watchedTables())));
	}

	/**
	 * The cluster's status, for example:
	 * <pre>
	 * Cluster Schema Status (3 nodes)
	 *   Status: Inconsistent
	 *   Schema 9b1c2d3e...: current on nodes 2, 3; previous on node 1
	 *   Schema 6bae09c0...: current on node 1
	 *   Table Books: 6bae09c0... has email VARCHAR(10), 9b1c2d3e... has email TEXT
	 * </pre>
	 * (the last lines when the nodes publish their columns: per table, the columns only one schema has),
	 * or, when consistent, {@code Status: Consistent} and {@code All nodes have schema: 6bae09c0...} ({@code No nodes
	 * registered} for an empty cluster).
	 * @param view the cluster view
	 * @return the text
	 */
	public static String cluster(ClusterSchemaView view) {
		List<String> lines = new ArrayList<>();
		lines.add("Cluster Schema Status (" + view.nodeCount() + ((view.nodeCount() == 1) ? " node)" : " nodes)"));
		if (view.consistent()) {
			lines.add("  Status: Consistent");
			lines.add(view.commonHash()
				.map((hash) -> "  All nodes have schema: " + SchemaHasher.shortHash(hash) + "...")
				.orElse("  No nodes registered"));
		}
		else {
			lines.add("  Status: Inconsistent");
			for (ClusterSchemaView.HashGroup group : view.groups()) {
				List<String> parts = new ArrayList<>();
				if (!group.currentOn().isEmpty()) {
					parts.add("current on " + nodeList(group.currentOn()));
				}
				if (!group.previousOn().isEmpty()) {
					parts.add("previous on " + nodeList(group.previousOn()));
				}
				lines.add("  Schema " + SchemaHasher.shortHash(group.hash()) + "...: " + String.join("; ", parts));
			}
			for (ClusterSchemaView.SchemaDifference difference : view.differences()) {
				for (ClusterSchemaView.TableDifference table : difference.tables()) {
					lines.add("  Table " + table.table() + ": " + SchemaHasher.shortHash(difference.hash()) + "... has "
							+ columns(table.columnsOnlyHere()) + ", " + SchemaHasher.shortHash(difference.comparedTo())
							+ "... has " + columns(table.columnsOnlyThere()));
				}
			}
		}
		return String.join("\n", lines);
	}

	/**
	 * The message shown when NATS cannot be reached (exit code {@link SchemaStatusExitCodes#NATS_UNREACHABLE}).
	 * @param detail what failed, e.g. the connection error
	 * @return the text
	 */
	public static String natsUnreachable(String detail) {
		return "Cluster Schema Status unavailable: cannot reach NATS (" + detail + ")\n"
				+ "  Check harmonylite.nats.urls and that nats-server is running with JetStream enabled.";
	}

	private static String columns(List<String> columns) {
		return columns.isEmpty() ? "nothing else" : String.join(", ", columns);
	}

	private static String nodeList(List<Long> nodeIds) {
		return ((nodeIds.size() == 1) ? "node " : "nodes ")
				+ nodeIds.stream().map(String::valueOf).collect(Collectors.joining(", "));
	}

}
