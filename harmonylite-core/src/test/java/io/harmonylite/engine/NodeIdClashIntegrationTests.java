package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.harmonylite.ConfigException;
import io.harmonylite.nats.NodePresence;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes started with one id (a copied configuration): the second refuses to start while the first holds the id;
 * when it cannot tell (a node of a release without the check), each tells from the other's changes that another node
 * runs with its id.
 */
class NodeIdClashIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "clash");

	@Test
	void nodeStartedWithTheIdOfARunningNodeShouldRefuseToStartNamingTheProperty() {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine first = this.nodes.start(2, dbs.get(0));

		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> this.nodes.start(2, dbs.get(1)))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.node-id"))
			.withMessageContaining("already used by a running node")
			.withMessageContaining(dbs.get(0).path().toAbsolutePath().toString());
		assertThat(first.status().problems()).as("the first node keeps running as it was").isEmpty();
		assertThat(dbs.get(1).rows("SELECT name FROM sqlite_master")).as("the refused node left no capture behind")
			.noneMatch((name) -> name.startsWith("__harmonylite__"));

		// Once the first node is stopped, its id is free again.
		first.close();
		HarmonyLiteEngine second = this.nodes.start(2, dbs.get(1));
		assertThat(second.isRunning()).isTrue();
	}

	@Test
	void runningNodeShouldReportAnotherNodeThatTookItsIdWhereItCouldNotBeSeen() throws Exception {
		TestDatabase db = this.nodes.databases(1, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)").get(0);
		HarmonyLiteEngine node = this.nodes.start(3, db);
		assertThat(node.status().problems()).isEmpty();

		// Another node with id 3, started where it could not read the key at its start, renews it as its own.
		try (Connection connection = Nats.connect(nats.url());
				NodePresence other = otherNode(connection, node, 3, 1)) {
			other.renew();

			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node.status().problems()).singleElement()
				.satisfies((problem) -> {
					assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DUPLICATE_NODE_ID);
					assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
					assertThat(problem.reason()).contains("harmonylite.node-id=3", "/elsewhere/other.db");
				}));
		}
	}

	@Test
	void nodeReplicatingAnotherNumberOfShardsThanTheRunningNodesShouldRefuseToStartNamingTheProperty() {
		List<TestDatabase> dbs = this.nodes.databases(3, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		this.nodes.start(1, dbs.get(0));
		HarmonyLiteEngine second = this.nodes.start(2, dbs.get(1));

		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> this.nodes.start(3, dbs.get(2), (b) -> b.replication(this.nodes.replication(2))))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.replication.shards"))
			.withMessageContaining("this node (3) replicates 2 shard(s), but node(s) [1, 2] use 1");
		assertThat(second.status().problems()).isEmpty();
	}

	@Test
	void nodePublishingWithAnotherSubjectPrefixThanTheRunningNodesShouldRefuseToStartNamingTheProperty() {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine first = this.nodes.start(1, dbs.get(0));
		ReplicationConfig ours = first.config().replication();
		ReplicationConfig otherSubjects = new ReplicationConfig(1, ours.streamPrefix(), ours.streamPrefix() + "-other",
				1, ours.maxEntries(), false, false, ours.publishWindow(), ours.applyBatchSize());

		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> this.nodes.start(2, dbs.get(1), (b) -> b.replication(otherSubjects)))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.replication.subject-prefix"))
			.withMessageContaining("node(s) [1] use " + ours.subjectPrefix());
		assertThat(first.status().problems()).isEmpty();
	}

	@Test
	void runningNodeShouldReportANodeReplicatingAnotherNumberOfShardsUntilItLeaves() throws Exception {
		TestDatabase db = this.nodes.databases(1, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)").get(0);
		HarmonyLiteEngine node = this.nodes.start(1, db);

		// A node started at the same moment, with 3 shards.
		try (Connection connection = Nats.connect(nats.url());
				NodePresence other = otherNode(connection, node, 2, 3)) {
			other.claim();

			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node.status().problems()).singleElement()
				.satisfies((problem) -> {
					assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CLUSTER_CONFIG_MISMATCH);
					assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
					assertThat(problem.reason()).contains("node(s) [2] use 3", "harmonylite.replication.shards");
				}));
		}
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node.status().problems()).isEmpty());
	}

	@Test
	void nodeShouldReportAnotherNodeRunningWithItsId() {
		List<TestDatabase> dbs = this.nodes.databases(3, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine first = this.nodes.start(2, dbs.get(0));
		HarmonyLiteEngine other = this.nodes.start(1, dbs.get(1));
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune')");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 1);
		assertThat(first.status().problems()).as("its own changes coming back are no clash").isEmpty();

		HarmonyLiteEngine copy = this.nodes
			.start(HarmonyLiteEngine.builder(this.nodes.config(2, dbs.get(2))).withoutNodePresence());
		dbs.get(2).execute("INSERT INTO Books VALUES (2, 'Emma')");

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(first.status().problems()).singleElement()
			.satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DUPLICATE_NODE_ID);
				assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
				assertThat(problem.reason()).contains("harmonylite.node-id=2");
			}));
		assertThat(other.status().problems()).isEmpty();
		// The copy started after the first node's change: it learns of the clash from the first node's next one.
		dbs.get(0).execute("INSERT INTO Books VALUES (3, 'Ulysses')");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(copy.status().problems())
			.anySatisfy((problem) -> assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DUPLICATE_NODE_ID)));
	}

	/**
	 * The presence of another node of the same cluster, with its database elsewhere, as a node of another process
	 * would hold it.
	 */
	private static NodePresence otherNode(Connection connection, HarmonyLiteEngine node, long nodeId, int shards) {
		return new NodePresence(connection, node.config().replication().streamPrefix(), nodeId,
				NodePresence.Identity.ofThisProcess(Path.of("/elsewhere/other.db"), Instant.now(), shards,
						node.config().replication().subjectPrefix()),
				1);
	}

}
