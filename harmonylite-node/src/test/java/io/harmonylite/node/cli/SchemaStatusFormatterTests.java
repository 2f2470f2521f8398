package io.harmonylite.node.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.NodeSchemaState;
import org.junit.jupiter.api.Test;

import static io.harmonylite.schema.SchemaStates.NEW;
import static io.harmonylite.schema.SchemaStates.NEWER;
import static io.harmonylite.schema.SchemaStates.OLD;
import static io.harmonylite.schema.SchemaStates.node;
import static org.assertj.core.api.Assertions.assertThat;

class SchemaStatusFormatterTests {

	@Test
	void nodeStatusShouldMatchTheDocumentedText() {
		NodeSchemaState state = new NodeSchemaState(1, OLD, null, "v0.1.0", List.of("Books"), Instant.EPOCH);
		assertThat(SchemaStatusFormatter.node(state)).isEqualTo("""
				Schema Status for Node 1
				  Schema Hash: 6bae09c0... (first 8 chars)
				  Node ID: 1
				  HarmonyLite Version: v0.1.0
				  Watched Tables: Books""");
	}

	@Test
	void nodeStatusShouldListSeveralOrNoTables() {
		NodeSchemaState several = new NodeSchemaState(12, NEW, OLD, "v0.2.0", List.of("Authors", "Books"), Instant.EPOCH);
		assertThat(SchemaStatusFormatter.node(several)).isEqualTo("""
				Schema Status for Node 12
				  Schema Hash: 9b1c2d3e... (first 8 chars)
				  Node ID: 12
				  HarmonyLite Version: v0.2.0
				  Watched Tables: Authors, Books""");
		NodeSchemaState none = new NodeSchemaState(1, "", null, "v0.1.0", List.of(), Instant.EPOCH);
		assertThat(SchemaStatusFormatter.node(none)).contains("  Schema Hash: (none)... (first 8 chars)")
			.endsWith("  Watched Tables: (none)");
	}

	@Test
	void consistentClusterShouldMatchTheDocumentedText() {
		ClusterSchemaView view = new ClusterSchemaView(List.of(node(1, OLD, null), node(2, OLD, null), node(3, OLD, null)));
		assertThat(SchemaStatusFormatter.cluster(view)).isEqualTo("""
				Cluster Schema Status (3 nodes)
				  Status: Consistent
				  All nodes have schema: 6bae09c0...""");
		assertThat(SchemaStatusExitCodes.of(view)).isEqualTo(SchemaStatusExitCodes.CONSISTENT).isZero();
	}

	@Test
	void inconsistentClusterShouldListTheHashGroups() {
		ClusterSchemaView view = new ClusterSchemaView(List.of(node(1, NEW, OLD), node(2, OLD, null), node(3, OLD, null)));
		assertThat(SchemaStatusFormatter.cluster(view)).isEqualTo("""
				Cluster Schema Status (3 nodes)
				  Status: Inconsistent
				  Schema 6bae09c0...: current on nodes 2, 3; previous on node 1
				  Schema 9b1c2d3e...: current on node 1""");
		assertThat(SchemaStatusExitCodes.of(view)).isEqualTo(SchemaStatusExitCodes.INCONSISTENT).isEqualTo(2);
	}

	@Test
	void inconsistentClusterShouldNameTheColumnsThatDiffer() {
		Map<String, List<String>> text = Map.of("Books", List.of("id INTEGER", "email TEXT"));
		Map<String, List<String>> varchar = Map.of("Books", List.of("id INTEGER", "email VARCHAR(10)"));
		ClusterSchemaView view = new ClusterSchemaView(List.of(withColumns(1, OLD, text), withColumns(2, OLD, text),
				withColumns(3, NEW, varchar)));
		assertThat(SchemaStatusFormatter.cluster(view))
			.endsWith("\n  Table Books: 9b1c2d3e... has email VARCHAR(10), 6bae09c0... has email TEXT");
	}

	private static NodeSchemaState withColumns(long nodeId, String hash, Map<String, List<String>> columns) {
		return new NodeSchemaState(nodeId, hash, null, "v0.1.0", List.of("Books"), Instant.EPOCH, null, columns);
	}

	@Test
	void hashOnlyKnownAsPreviousShouldShowOnlyPrevious() {
		ClusterSchemaView view = new ClusterSchemaView(List.of(node(1, NEWER, NEW), node(2, OLD, null)));
		assertThat(SchemaStatusFormatter.cluster(view)).isEqualTo("""
				Cluster Schema Status (2 nodes)
				  Status: Inconsistent
				  Schema 3f2a1b4c...: current on node 1
				  Schema 6bae09c0...: current on node 2
				  Schema 9b1c2d3e...: previous on node 1""");
	}

	@Test
	void singleAndEmptyClusterShouldReadNaturally() {
		assertThat(SchemaStatusFormatter.cluster(new ClusterSchemaView(List.of(node(5, OLD, null))))).isEqualTo("""
				Cluster Schema Status (1 node)
				  Status: Consistent
				  All nodes have schema: 6bae09c0...""");
		ClusterSchemaView empty = new ClusterSchemaView(List.of());
		assertThat(SchemaStatusFormatter.cluster(empty)).isEqualTo("""
				Cluster Schema Status (0 nodes)
				  Status: Consistent
				  No nodes registered""");
		assertThat(SchemaStatusExitCodes.of(empty)).isEqualTo(SchemaStatusExitCodes.CONSISTENT);
	}

	@Test
	void natsUnreachableShouldSayWhatToCheckAndHaveItsOwnExitCode() {
		assertThat(SchemaStatusFormatter.natsUnreachable("nats://127.0.0.1:4222: Connection refused")).isEqualTo("""
				Cluster Schema Status unavailable: cannot reach NATS (nats://127.0.0.1:4222: Connection refused)
				  Check harmonylite.nats.urls and that nats-server is running with JetStream enabled.""");
		assertThat(SchemaStatusExitCodes.NATS_UNREACHABLE).isEqualTo(3)
			.isNotIn(SchemaStatusExitCodes.CONSISTENT, SchemaStatusExitCodes.INCONSISTENT, 1);
	}

}
