package io.harmonylite.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.harmonylite.schema.ClusterSchemaView.HashGroup;
import org.junit.jupiter.api.Test;

import static io.harmonylite.schema.SchemaStates.NEW;
import static io.harmonylite.schema.SchemaStates.NEWER;
import static io.harmonylite.schema.SchemaStates.OLD;
import static io.harmonylite.schema.SchemaStates.node;
import static org.assertj.core.api.Assertions.assertThat;

class ClusterSchemaViewTests {

	@Test
	void emptyClusterShouldBeConsistentWithoutCommonHash() {
		ClusterSchemaView view = new ClusterSchemaView(List.of());
		assertThat(view.consistent()).isTrue();
		assertThat(view.nodeCount()).isZero();
		assertThat(view.commonHash()).isEmpty();
		assertThat(view.groups()).isEmpty();
	}

	@Test
	void nodesSharingOneCurrentHashShouldBeConsistent() {
		ClusterSchemaView view = new ClusterSchemaView(List.of(node(3, NEW, OLD), node(1, NEW, null), node(2, NEW, OLD)));
		assertThat(view.consistent()).isTrue();
		assertThat(view.nodeCount()).isEqualTo(3);
		assertThat(view.commonHash()).contains(NEW);
		assertThat(view.nodes()).extracting(NodeSchemaState::nodeId).containsExactly(1L, 2L, 3L);
		assertThat(view.groups()).containsExactly(new HashGroup(NEW, List.of(1L, 2L, 3L), List.of()),
				new HashGroup(OLD, List.of(), List.of(2L, 3L)));
	}

	@Test
	void differentCurrentHashesShouldBeInconsistentWithGroups() {
		// Node 1 migrated (previous = the old hash), nodes 2 and 3 not yet.
		ClusterSchemaView view = new ClusterSchemaView(List.of(node(2, OLD, null), node(1, NEW, OLD), node(3, OLD, null)));
		assertThat(view.consistent()).isFalse();
		assertThat(view.commonHash()).isEmpty();
		assertThat(view.groups()).containsExactly(new HashGroup(OLD, List.of(2L, 3L), List.of(1L)),
				new HashGroup(NEW, List.of(1L), List.of()));
	}

	@Test
	void groupsShouldPutLargestCurrentGroupFirstAndTiesByHash() {
		ClusterSchemaView view = new ClusterSchemaView(
				List.of(node(1, NEWER, NEW), node(2, NEW, OLD), node(3, OLD, null), node(4, NEWER, NEW)));
		assertThat(view.groups()).containsExactly(new HashGroup(NEWER, List.of(1L, 4L), List.of()),
				new HashGroup(OLD, List.of(3L), List.of(2L)), new HashGroup(NEW, List.of(2L), List.of(1L, 4L)));
	}

	@Test
	void differencesShouldTellTablesAndColumnsOfEachHashFromTheMostCommonOne() {
		Map<String, List<String>> release1 = Map.of("Books", List.of("id INTEGER", "title TEXT", "isbn TEXT"));
		Map<String, List<String>> release2 = new LinkedHashMap<>();
		release2.put("Books", List.of("id INTEGER", "title TEXT", "email TEXT"));
		release2.put("Authors", List.of("id INTEGER", "name"));
		ClusterSchemaView view = new ClusterSchemaView(List.of(node(1, NEW, OLD, "flyway:3", release2),
				node(2, OLD, null, "flyway:1", release1), node(3, OLD, null, "flyway:1", release1)));

		assertThat(view.differences()).containsExactly(new ClusterSchemaView.SchemaDifference(NEW, OLD,
				List.of(new ClusterSchemaView.TableDifference("Books", List.of("email TEXT"), List.of("isbn TEXT")),
						new ClusterSchemaView.TableDifference("Authors", List.of("id INTEGER", "name"), List.of()))));
	}

	@Test
	void differencesShouldBeEmptyForAConsistentCluster() {
		Map<String, List<String>> columns = Map.of("Books", List.of("id INTEGER"));
		ClusterSchemaView view = new ClusterSchemaView(
				List.of(node(1, NEW, OLD, "flyway:3", columns), node(2, NEW, OLD, "flyway:3", columns)));

		assertThat(view.differences()).isEmpty();
	}

	@Test
	void differencesShouldLeaveOutHashesOfNodesThatDoNotPublishTheirColumns() {
		// Node 2 runs an older version: no columns in its registry entry.
		ClusterSchemaView view = new ClusterSchemaView(List.of(node(1, NEW, OLD, "flyway:3",
				Map.of("Books", List.of("id INTEGER"))), node(2, OLD, null), node(3, OLD, null)));

		assertThat(view.differences()).isEmpty();
	}

}
