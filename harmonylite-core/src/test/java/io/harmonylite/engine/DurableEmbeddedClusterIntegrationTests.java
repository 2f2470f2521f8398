package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import io.harmonylite.nats.KvSchemaRegistry;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.testsupport.EmbeddedClusterLayout;
import io.harmonylite.testsupport.ServerMonitor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes, each with its own embedded nats-server, clustered and otherwise on the defaults: the servers sync every
 * write before acknowledging it, streams and schema registry have three replicas (as the servers' own monitoring
 * shows), large rows fit, and a node restarted alone starts and replicates again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurableEmbeddedClusterIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static final String ITEMS = "CREATE TABLE items (id INTEGER PRIMARY KEY, origin INTEGER, body BLOB)";

	private EmbeddedClusterLayout layout;

	private final List<TestDatabase> databases = new ArrayList<>();

	private final List<HarmonyLiteEngine> engines = new ArrayList<>();

	@BeforeAll
	void startCluster(@TempDir Path dir) {
		this.layout = EmbeddedClusterLayout.of(3, dir);
		List<CompletableFuture<Void>> starts = new ArrayList<>();
		for (int node = 1; node <= 3; node++) {
			TestDatabase db = new TestDatabase(dir.resolve("node-" + node + ".db"));
			db.execute(ITEMS);
			this.databases.add(db);
			HarmonyLiteEngine engine = engine(node);
			this.engines.add(engine);
			// Clustered JetStream needs a majority of the servers: the nodes start together.
			starts.add(CompletableFuture.runAsync(engine::start));
		}
		CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
	}

	@AfterAll
	void stopCluster() {
		this.engines.forEach(HarmonyLiteEngine::close);
	}

	private HarmonyLiteEngine engine(int node) {
		return HarmonyLiteEngine.builder(HarmonyLiteConfig.builder()
			.nodeId(node)
			.dbPath(this.databases.get(node - 1).path())
			.pollingInterval(Duration.ofMillis(20))
			.nats(this.layout.nats(node))
			.build()).build();
	}

	@Test
	void everyServerShouldSyncAlwaysAndKeepStreamsAndRegistryOnThreeReplicasAsItsMonitoringShows() {
		for (int node = 1; node <= 3; node++) {
			ServerMonitor server = new ServerMonitor(this.layout.monitorPorts().get(node - 1));
			assertThat(server.syncAlways()).as("sync_always of node %d's server", node).isTrue();
			assertThat(server.maxPayload()).isEqualTo(8L * 1024 * 1024);
			int each = node;
			// A server lists a stream once it has created its own replica, which can come just after the nodes started.
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(server.streamReplicas("harmonylite-changes-0")).as("node %d's server", each).contains(3);
				assertThat(server.streamReplicas("harmonylite-changes-dlq")).contains(3);
				assertThat(server.streamReplicas("KV_" + KvSchemaRegistry.BUCKET)).contains(3);
			});
		}
	}

	@Test
	void statusShouldReportDurableAcknowledgementsOfTheEmbeddedServer() {
		EngineStatus.Nats nats = this.engines.get(0).status().nats();
		assertThat(nats.embeddedServer()).isEqualTo("RUNNING");
		assertThat(nats.serverVersion()).startsWith("2.1");
		assertThat(nats.sync()).isEqualTo("always");
		assertThat(nats.replicas()).isEqualTo(3);
		assertThat(nats.durableAcks()).isTrue();
		assertThat(nats.durabilityWarning()).isNull();
	}

	@Test
	void rowOfFiveMegabytesShouldReplicateToEveryNode() {
		byte[] body = new byte[5 * 1024 * 1024];
		new Random(13).nextBytes(body);
		this.databases.get(0).update("INSERT INTO items VALUES (?, 1, ?)", 5_000_000, body);
		String expected = this.databases.get(0).rows("SELECT body FROM items WHERE id = 5000000").get(0);
		for (TestDatabase other : this.databases.subList(1, 3)) {
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(other.rows("SELECT body FROM items WHERE id = "
					+ "5000000")).containsExactly(expected));
		}
		assertThat(this.engines.get(0).status().failedChanges()).isZero();
	}

	@Test
	void nodeStoppedShouldLeaveTheRegistryAtOnceAndRestartedAloneShouldReplicateAgain() {
		HarmonyLiteEngine first = this.engines.get(0);
		await().atMost(TIMEOUT).ignoreExceptions().until(() -> nodeIds(first).contains(3L));
		this.engines.get(2).close();
		// Well before the registry's 5-minute expiry: the stopped node deleted its key. (A read may time out while
		// the registry's stream elects a new leader, when the stopped node's server led it.)
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> !nodeIds(first).contains(3L));
		this.databases.get(0).execute("INSERT INTO items VALUES (1001, 1, x'01')");

		HarmonyLiteEngine restarted = engine(3);
		this.engines.set(2, restarted);
		restarted.start();
		this.databases.get(2).execute("INSERT INTO items VALUES (1002, 3, x'03')");

		for (TestDatabase db : this.databases) {
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows("SELECT id FROM items WHERE id > 1000 "
					+ "ORDER BY id")).containsExactly("1001", "1002"));
		}
		await().atMost(TIMEOUT).ignoreExceptions().until(() -> nodeIds(first).contains(3L));
	}

	private static List<Long> nodeIds(HarmonyLiteEngine engine) {
		return engine.clusterSchema().nodes().stream().map(NodeSchemaState::nodeId).toList();
	}

}
