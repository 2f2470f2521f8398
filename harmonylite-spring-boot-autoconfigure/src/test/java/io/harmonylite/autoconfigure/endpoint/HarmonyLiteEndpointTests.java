package io.harmonylite.autoconfigure.endpoint;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.ClusterSchemaDescriptor;
import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.NodeDescriptor;
import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.SchemaDescriptor;
import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.ShardDescriptor;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.NodeSchemaState;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link HarmonyLiteEndpoint}.
 */
class HarmonyLiteEndpointTests {

	private static final Instant NOW = Instant.parse("2025-01-01T10:06:00Z");

	@TempDir
	Path dir;

	@Test
	void nodeShouldDescribeStateNatsShardsAndPendingChanges() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running, this::consistentCluster);

		NodeDescriptor node = endpoint.node();

		assertThat(node.nodeId()).isEqualTo(3);
		assertThat(node.version()).isEqualTo("v0.1.0");
		assertThat(node.state()).isEqualTo("RUNNING");
		assertThat(node.schemaHash()).isEqualTo(EngineStatuses.HASH);
		assertThat(node.publish()).isTrue();
		assertThat(node.replicate()).isTrue();
		assertThat(node.nats()).isEqualTo(new HarmonyLiteEndpoint.NatsDescriptor(false,
				List.of("nats://127.0.0.1:4222"), true, 2, null, "2.10.27", "always", 3, true, null));
		assertThat(node.shards()).containsExactly(
				new ShardDescriptor(0, "harmonylite-changes-0", 40, 40L, 0L, false, false, null, null, null, 0, null),
				new ShardDescriptor(1, "harmonylite-changes-1", 10, 15L, 5L, false, false, null, null, null, 3, null));
		assertThat(node.pendingChanges()).isEqualTo(7);
		assertThat(node.failedChanges()).isEqualTo(1);
		assertThat(node.watchedTables()).containsExactly("Books");
		assertThat(node.conflicts()).isEqualTo(new HarmonyLiteEndpoint.ConflictsDescriptor(5, 1, 2));
	}

	@Test
	void nodeShouldSayWhyAndSinceWhenAShardIsPaused() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::paused, this::consistentCluster);

		ShardDescriptor paused = endpoint.node().shards().get(1);

		assertThat(paused.paused()).isTrue();
		assertThat(paused.pausedSince()).isEqualTo(EngineStatuses.PAUSED_SINCE);
		assertThat(paused.pausedReason()).contains("schema mismatch")
			.contains(EngineStatuses.NEW_HASH.substring(0, 8))
			.contains("apply the same migration")
			.contains("a hash no node ever reported is quarantined after harmonylite.schema.unknown-hash-quarantine");
		assertThat(endpoint.node().state()).isEqualTo("PAUSED_SCHEMA_MISMATCH");
	}

	@Test
	void nodeShouldListItsProblemsWithKindSeveritySubjectAndSince() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(() -> EngineStatuses
			.withProblems(io.harmonylite.engine.NodeState.DEGRADED, EngineStatuses.unacknowledgedBooks()),
				this::consistentCluster);

		NodeDescriptor node = endpoint.node();

		assertThat(node.state()).isEqualTo("DEGRADED");
		assertThat(node.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo("CHANGES_UNACKNOWLEDGED");
			assertThat(problem.severity()).isEqualTo("DEGRADED");
			assertThat(problem.subject()).isEqualTo("table Books");
			assertThat(problem.reason()).contains("acknowledgement");
			assertThat(problem.since()).isEqualTo(EngineStatuses.UPDATED_AT);
		});
	}

	@Test
	void nodeShouldLeaveUnknownStreamPositionsOut() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(
				() -> EngineStatuses.inState(io.harmonylite.engine.NodeState.DISCONNECTED), this::consistentCluster);

		ShardDescriptor shard = endpoint.node().shards().get(0);

		assertThat(shard.streamLastSequence()).isNull();
		assertThat(shard.lag()).isNull();
		assertThat(endpoint.node().nats().connected()).isFalse();
	}

	@Test
	void schemaSectionShouldDescribeLocalAndClusterState() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::paused, this::inconsistentCluster);

		SchemaDescriptor schema = endpoint.schema();

		assertThat(schema).isNotNull();
		assertThat(schema.local().nodeId()).isEqualTo(3);
		assertThat(schema.local().hash()).isEqualTo(EngineStatuses.HASH);
		assertThat(schema.local().previousHash()).isNull();
		assertThat(schema.local().updatedAt()).isEqualTo(EngineStatuses.UPDATED_AT);
		assertThat(schema.local().watchedTables()).containsExactly("Books");
		assertThat(schema.local().pausedShards()).containsExactly(new HarmonyLiteEndpoint.PausedShardDescriptor(1,
				"harmonylite-changes-1", EngineStatuses.NEW_HASH, EngineStatuses.PAUSED_SINCE));
		assertThat(schema.local().pauses()).isEqualTo(1);
		ClusterSchemaDescriptor cluster = schema.cluster();
		assertThat(cluster.available()).isTrue();
		assertThat(cluster.reason()).isNull();
		assertThat(cluster.nodeCount()).isEqualTo(2);
		assertThat(cluster.consistent()).isFalse();
		assertThat(cluster.commonHash()).isNull();
		assertThat(cluster.hashGroups()).containsExactlyInAnyOrder(
				new HarmonyLiteEndpoint.HashGroupDescriptor(EngineStatuses.HASH, List.of(3L), List.of(1L), List.of(),
						null, List.of()),
				new HarmonyLiteEndpoint.HashGroupDescriptor(EngineStatuses.NEW_HASH, List.of(1L), List.of(), List.of(),
						null, List.of()));
		assertThat(cluster.nodes()).extracting(HarmonyLiteEndpoint.NodeSchemaDescriptor::nodeId).containsExactly(1L, 3L);
	}

	@Test
	void schemaSectionShouldMapHashesToMigrationsAndShowWhatDiffers() {
		ClusterSchemaView upgrading = new ClusterSchemaView(List.of(
				node(1, EngineStatuses.NEW_HASH, EngineStatuses.HASH, "flyway:3",
						Map.of("Books", List.of("id INTEGER", "title TEXT", "email TEXT")), 2),
				node(2, EngineStatuses.HASH, null, "flyway:2", Map.of("Books", List.of("id INTEGER", "title TEXT")), 1),
				node(3, EngineStatuses.HASH, null, "flyway:2", Map.of("Books", List.of("id INTEGER", "title TEXT")),
						1)));
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::paused, () -> upgrading);

		ClusterSchemaDescriptor cluster = endpoint.schema().cluster();

		assertThat(cluster.nodes()).extracting(HarmonyLiteEndpoint.NodeSchemaDescriptor::migrationVersion)
			.containsExactly("flyway:3", "flyway:2", "flyway:2");
		assertThat(cluster.nodes()).extracting(HarmonyLiteEndpoint.NodeSchemaDescriptor::wireFormat)
			.containsExactly(2, 1, 1);
		assertThat(cluster.hashGroups()).containsExactly(
				new HarmonyLiteEndpoint.HashGroupDescriptor(EngineStatuses.HASH, List.of(2L, 3L), List.of(1L),
						List.of("flyway:2"), null, List.of()),
				new HarmonyLiteEndpoint.HashGroupDescriptor(EngineStatuses.NEW_HASH, List.of(1L), List.of(),
						List.of("flyway:3"), EngineStatuses.HASH, List.of(new HarmonyLiteEndpoint.TableDifferenceDescriptor(
								"Books", List.of("email TEXT"), List.of()))));
	}

	@Test
	void schemaSectionShouldShowCommonHashOfConsistentCluster() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running, this::consistentCluster);

		ClusterSchemaDescriptor cluster = endpoint.schema().cluster();

		assertThat(cluster.consistent()).isTrue();
		assertThat(cluster.commonHash()).isEqualTo(EngineStatuses.HASH);
		assertThat(cluster.hashGroups()).hasSize(1);
	}

	@Test
	void schemaSectionShouldReportUnavailableRegistryWithReason() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running, () -> {
			throw new HarmonyLiteException("Could not list the nodes in NATS KV bucket harmonylite-schema-registry: "
					+ "timeout");
		});

		SchemaDescriptor schema = endpoint.schema();

		assertThat(schema.local().hash()).isEqualTo(EngineStatuses.HASH);
		assertThat(schema.cluster().available()).isFalse();
		assertThat(schema.cluster().reason()).contains("harmonylite-schema-registry").contains("timeout");
		assertThat(schema.cluster().consistent()).isNull();
		assertThat(schema.cluster().nodes()).isEmpty();
	}

	@Test
	void unknownSectionShouldBeNull() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running, this::consistentCluster);

		assertThat(endpoint.section("shards")).isNull();
	}

	@Test
	void stoppedEngineShouldBeDescribedWithClusterUnavailable() {
		HarmonyLiteEngine engine = EngineStatuses.unstartedEngine(this.dir);
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(engine);

		assertThat(endpoint.node().state()).isEqualTo("STOPPED");
		assertThat(endpoint.node().schemaHash()).isNull();
		SchemaDescriptor schema = endpoint.schema();
		assertThat(schema.local().hash()).isNull();
		assertThat(schema.cluster().available()).isFalse();
		assertThat(schema.cluster().reason()).contains("Node 3 is not started");
	}

	private ClusterSchemaView consistentCluster() {
		return new ClusterSchemaView(List.of(node(1, EngineStatuses.HASH, null), node(3, EngineStatuses.HASH, null)));
	}

	private ClusterSchemaView inconsistentCluster() {
		return new ClusterSchemaView(List.of(node(3, EngineStatuses.HASH, null),
				node(1, EngineStatuses.NEW_HASH, EngineStatuses.HASH)));
	}

	private static NodeSchemaState node(long id, String hash, String previous) {
		return new NodeSchemaState(id, hash, previous, "v0.1.0", List.of("Books"), NOW);
	}

	private static NodeSchemaState node(long id, String hash, String previous, String migration,
			Map<String, List<String>> columns, int wireFormat) {
		return new NodeSchemaState(id, hash, previous, "v0.1.0", List.of("Books"), NOW, migration, columns,
				wireFormat);
	}


	@Test
	void shardItemShouldDescribeOneShardAndUnknownItemsShouldBeNull() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running, this::consistentCluster);

		assertThat(endpoint.item("shards", "1")).isEqualTo(
				new ShardDescriptor(1, "harmonylite-changes-1", 10, 15L, 5L, false, false, null, null, null, 3, null));
		assertThat(endpoint.item("shards", "2")).isNull();
		assertThat(endpoint.item("snapshots", "1")).isNull();
	}

	@Test
	void nodeShouldShowAShardPausedByAnOperatorAsSuch() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::pausedManually, this::consistentCluster);

		ShardDescriptor shard = endpoint.node().shards().get(0);

		assertThat(endpoint.node().state()).isEqualTo("PAUSED_MANUALLY");
		assertThat(shard.paused()).isTrue();
		assertThat(shard.pausedManually()).isTrue();
		assertThat(shard.pausedSince()).isEqualTo(EngineStatuses.PAUSED_SINCE);
		assertThat(shard.pausedReason()).isEqualTo("paused by an operator; resume it with POST "
				+ "/actuator/harmonylite/shards/0 and {\"action\": \"resume\"}");
	}

	@Test
	void writeOperationShouldRunTheOperationOfTargetAndAction() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running, this::consistentCluster,
				List.of(new Recording("shards", "pause"), new Recording("shards", "resume"),
						new Recording("capture", "uninstall")));

		assertThat(endpoint.actOn("shards", "1", "resume").message()).isEqualTo("resume shards 1");
		assertThat(endpoint.act("capture", "uninstall").message()).isEqualTo("uninstall capture null");
	}

	@Test
	void writeOperationOnAnUnknownTargetShouldBeNotFoundAndListTheTargets() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running, this::consistentCluster,
				List.of(new Recording("shards", "pause"), new Recording("capture", "uninstall")));

		OperationResult result = endpoint.actOn("streams", "0", "pause");

		assertThat(result.outcome()).isEqualTo(OperationResult.Outcome.NOT_FOUND);
		assertThat(result.message()).isEqualTo("There is no operation on 'streams'; the targets are capture, shards");
	}

	@Test
	void unknownActionShouldBeABadRequestAndListTheActions() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running, this::consistentCluster,
				List.of(new Recording("shards", "pause"), new Recording("shards", "resume")));

		OperationResult result = endpoint.actOn("shards", "0", "skip");

		assertThat(result.outcome()).isEqualTo(OperationResult.Outcome.BAD_REQUEST);
		assertThat(result.message())
			.isEqualTo("Unknown action 'skip' on 'shards'; send one of pause, resume as \"action\"");
	}

	@Test
	void twoOperationsWithTheSameTargetAndActionShouldBeRefused() {
		List<HarmonyLiteOperation> twice = List.of(new Recording("shards", "pause"), new Recording("shards", "pause"));

		assertThatIllegalStateException()
			.isThrownBy(() -> new HarmonyLiteEndpoint(EngineStatuses::running, this::consistentCluster, twice))
			.withMessageContaining("Two HarmonyLite endpoint operations are named 'pause' on 'shards'");
	}

	@Test
	void webExtensionShouldAnswerWithTheOutcomesStatus() {
		HarmonyLiteEndpointWebExtension web = new HarmonyLiteEndpointWebExtension(new HarmonyLiteEndpoint(
				EngineStatuses::running, this::consistentCluster, List.of(new Recording("capture", "uninstall"))));

		assertThat(web.act("capture", "uninstall").getStatus()).isEqualTo(200);
		assertThat(web.act("capture", "reinstall").getStatus()).isEqualTo(400);
		assertThat(web.actOn("shards", "0", "pause").getStatus()).isEqualTo(404);
		assertThat(web.act("capture", "uninstall").getBody().message()).isEqualTo("uninstall capture null");
	}

	/**
	 * An operation that says what it was asked.
	 */
	private record Recording(String target, String action) implements HarmonyLiteOperation {

		@Override
		public OperationResult run(@Nullable String id) {
			return OperationResult.done(this, id, this.action + " " + this.target + " " + id, null);
		}

	}

}
