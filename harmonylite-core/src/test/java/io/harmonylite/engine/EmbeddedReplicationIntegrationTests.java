package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.harmonylite.ConfigException;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes with no external NATS: each starts its own nats-server with a route to the other, and they replicate
 * both ways.
 */
class EmbeddedReplicationIntegrationTests {

	@TempDir
	Path dir;

	private final List<HarmonyLiteEngine> engines = new ArrayList<>();

	@AfterEach
	void stop() {
		this.engines.forEach(HarmonyLiteEngine::close);
	}

	@Test
	void twoEmbeddedNodesShouldReplicateBothWays() {
		List<Integer> ports = FreePorts.many(4);
		TestDatabase first = database(1);
		TestDatabase second = database(2);
		HarmonyLiteEngine one = engine(1, first, ports.get(0), ports.get(1), ports.get(3));
		HarmonyLiteEngine two = engine(2, second, ports.get(2), ports.get(3), ports.get(1));
		// Clustered JetStream needs both servers before it accepts streams: start the nodes together.
		CompletableFuture.allOf(CompletableFuture.runAsync(one::start), CompletableFuture.runAsync(two::start)).join();
		first.execute("INSERT INTO Books VALUES (1, 'written on node 1', 'a', 2001)");
		second.execute("INSERT INTO Books VALUES (2, 'written on node 2', 'b', 2002)");
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			assertThat(first.rows("SELECT id FROM Books ORDER BY id")).containsExactly("1", "2");
			assertThat(second.rows("SELECT id FROM Books ORDER BY id")).containsExactly("1", "2");
		});
		assertThat(this.dir.resolve("nats-1")).isDirectoryContaining((path) -> true);
	}

	@Test
	void twoNodesWithOneIdShouldFailNamingTheNodeIdNotJetStream() {
		List<Integer> ports = FreePorts.many(4);
		// A configuration copied from node 1 to a second machine: the same id, another database and store.
		// A long startup timeout: the clash is told as soon as the cluster refuses the server, not when it ends.
		Duration startupTimeout = Duration.ofMinutes(3);
		HarmonyLiteEngine one = engine(1, database(1), ports.get(0), ports.get(1), ports.get(3), "nats-1",
				startupTimeout);
		HarmonyLiteEngine copy = engine(1, database(2), ports.get(2), ports.get(3), ports.get(1), "nats-copy",
				startupTimeout);
		long begun = System.nanoTime();
		List<Throwable> failures = Stream.of(one, copy)
			.map((engine) -> CompletableFuture.runAsync(engine::start))
			.toList()
			.stream()
			.map((start) -> start.handle((ok, failure) -> failure).join())
			.toList();
		assertThat(failures).allSatisfy((failure) -> assertThat(failure).hasRootCauseInstanceOf(ConfigException.class)
			.rootCause()
			.hasMessageContaining("another node runs with harmonylite.node-id=1"));
		assertThat(Duration.ofNanos(System.nanoTime() - begun)).as("told long before the startup timeout")
			.isLessThan(startupTimeout.dividedBy(2));
	}

	private TestDatabase database(int node) {
		TestDatabase db = new TestDatabase(this.dir.resolve("node-" + node + ".db"));
		db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, publication_year INTEGER)");
		return db;
	}

	private HarmonyLiteEngine engine(int node, TestDatabase db, int clientPort, int clusterPort, int peerPort) {
		return engine(node, db, clientPort, clusterPort, peerPort, "nats-" + node, NatsConfig.DEFAULT_STARTUP_TIMEOUT);
	}

	private HarmonyLiteEngine engine(int node, TestDatabase db, int clientPort, int clusterPort, int peerPort,
			String store, Duration startupTimeout) {
		EmbeddedNatsConfig embedded = new EmbeddedNatsConfig(null, this.dir.resolve(store), clientPort,
				"127.0.0.1:" + clusterPort, List.of("nats://127.0.0.1:" + peerPort));
		NatsConfig defaults = NatsConfig.embeddedDefaults();
		NatsConfig nats = new NatsConfig(List.of(), null, null, null, null, null, null, null, defaults.connectRetries(),
				defaults.reconnectWait(), embedded)
			.withStartupTimeout(startupTimeout);
		HarmonyLiteEngine engine = HarmonyLiteEngine
			.builder(HarmonyLiteConfig.builder().nodeId(node).dbPath(db.path()).nats(nats).build())
			.build();
		this.engines.add(engine);
		return engine;
	}

}
