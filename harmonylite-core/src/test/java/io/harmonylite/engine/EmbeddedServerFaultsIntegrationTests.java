package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.schema.SchemaRegistryException;
import io.harmonylite.testsupport.EmbeddedClusterLayout;
import io.harmonylite.testsupport.NatsTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes with embedded, clustered nats-servers under the faults an embedded server brings: its server killed,
 * a node restarted alone, a server whose JetStream stays unavailable, the first node of a cluster started alone.
 */
class EmbeddedServerFaultsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static final Duration CONSUMER_RECOVERY = Duration.ofMinutes(3);

	private static final String ITEMS = "CREATE TABLE items (id INTEGER PRIMARY KEY, origin INTEGER)";

	@TempDir
	Path dir;

	private final List<HarmonyLiteEngine> engines = new ArrayList<>();

	@AfterEach
	void stopNodes() {
		this.engines.forEach(HarmonyLiteEngine::close);
	}

	@Test
	void killedEmbeddedServerShouldBeRestartedWhileTheNodeSaysItIsDownAndPendingChangesArePublishedAfter()
			throws IOException {
		EmbeddedClusterLayout layout = EmbeddedClusterLayout.of(2, this.dir);
		// A nats-server that cannot start while the block file exists, so that the node stays without one for as
		// long as the test looks.
		Path block = this.dir.resolve("block-nats-server");
		Path binary = startBlockableBinary(block);
		List<TestDatabase> dbs = databases(2);
		HarmonyLiteEngine first = engine(1, dbs.get(0), layout.embedded(1, binary), ReplicationConfig.defaults());
		HarmonyLiteEngine second = engine(2, dbs.get(1), layout.embedded(2, null), ReplicationConfig.defaults());
		startTogether(first, second);
		insert(dbs.get(0), 1, 20);
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("items") == 20);
		long killed = pid(layout.pidFile(1));

		Files.createFile(block);
		ProcessHandle.of(killed).orElseThrow().destroyForcibly();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			EngineStatus down = first.status();
			assertThat(down.nats().embeddedServer()).isEqualTo("DOWN");
			assertThat(down.state()).isEqualTo(NodeState.DISCONNECTED);
		});
		assertClusterSchemaUnavailableWithoutWaiting(first, "connection is");
		insert(dbs.get(0), 21, 60);
		Path log = layout.dir().resolve("nats-1/nats-server.log");
		await().atMost(TIMEOUT).until(() -> Files.readString(log).contains("blocked by the test"));
		assertThat(first.status().pendingChanges()).isPositive();
		assertThat(first.status().nats().embeddedServer()).as("restarts keep failing while blocked").isEqualTo("DOWN");

		Files.delete(block);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(first.status().nats().embeddedServer()).isEqualTo("RUNNING");
			assertThat(pid(layout.pidFile(1))).isNotEqualTo(killed);
		});
		insert(dbs.get(0), 61, 80);
		// When the shard's stream lived on the killed server, node 2's consumer resumes only after the client's
		// heartbeat alarm (jnats' defaults: up to about 90 s); hence the longer wait.
		await().atMost(CONSUMER_RECOVERY).untilAsserted(() -> {
			assertThat(dbs.get(1).count("items")).isEqualTo(80);
			assertThat(first.status().pendingChanges()).isZero();
			assertThat(first.status().state()).isEqualTo(NodeState.RUNNING);
		});
	}

	@Test
	void nodeRestartedAloneInATwoNodeClusterShouldStartAndReplicateAgain() {
		EmbeddedClusterLayout layout = EmbeddedClusterLayout.of(2, this.dir);
		List<TestDatabase> dbs = databases(2);
		// Two replicas, as a two-node cluster was advised to run: no quorum while either node is down.
		ReplicationConfig twoReplicas = ReplicationConfig.defaults().withReplicas(2);
		HarmonyLiteEngine first = engine(1, dbs.get(0), layout.embedded(1, null), twoReplicas);
		startTogether(first, engine(2, dbs.get(1), layout.embedded(2, null), twoReplicas));
		for (int round = 1; round <= 2; round++) {
			this.engines.remove(1).close();
			dbs.get(0).execute("INSERT INTO items VALUES (" + (100 + round) + ", 1)");

			HarmonyLiteEngine restarted = engine(2, dbs.get(1), layout.embedded(2, null), twoReplicas);
			restarted.start();
			dbs.get(1).execute("INSERT INTO items VALUES (" + (200 + round) + ", 2)");
			int rounds = round;
			for (TestDatabase db : dbs) {
				await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.count("items")).isEqualTo(2L * rounds));
			}
		}
		// Changes flow again; a problem noticed while the peer was away (no quorum) clears by itself.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(first.status().state()).as("%s", first.status().problems())
				.isEqualTo(NodeState.RUNNING));
	}

	@Test
	void serverWhoseJetStreamStaysUnavailableShouldBeRestartedAndTheNodeReplicateOnceItsPeerIsBack()
			throws IOException {
		EmbeddedClusterLayout layout = EmbeddedClusterLayout.of(2, this.dir);
		List<TestDatabase> dbs = databases(2);
		ReplicationConfig twoReplicas = ReplicationConfig.defaults().withReplicas(2);
		HarmonyLiteEngine first = engine(1, dbs.get(0), layout.embedded(1, null), twoReplicas);
		startTogether(first, engine(2, dbs.get(1), layout.embedded(2, null), twoReplicas));
		long before = pid(layout.pidFile(1));

		// Alone, node 1's server has no JetStream meta leader: it answers "temporarily unavailable" to every request,
		// as a server outside its cluster's JetStream does; the watchdog restarts it after 30 s of that.
		this.engines.remove(1).close();
		assertClusterSchemaUnavailableWithoutWaiting(first, "bucket");
		// The pid file is rewritten when the server restarts.
		await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
			assertThat(pid(layout.pidFile(1))).isNotEqualTo(before);
			assertThat(first.status().nats().embeddedServer()).isEqualTo("RUNNING");
		});
		dbs.get(0).execute("INSERT INTO items VALUES (1, 1)");

		HarmonyLiteEngine second = engine(2, dbs.get(1), layout.embedded(2, null), twoReplicas);
		second.start();
		dbs.get(1).execute("INSERT INTO items VALUES (2, 2)");
		for (TestDatabase db : dbs) {
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows("SELECT id FROM items ORDER BY id"))
				.containsExactly("1", "2"));
		}
	}

	@Test
	void firstNodeOfAClusterShouldStartWithoutPeersAndTheNextShouldJoinIt() throws IOException {
		EmbeddedClusterLayout layout = EmbeddedClusterLayout.of(2, this.dir);
		List<TestDatabase> dbs = databases(2);
		HarmonyLiteEngine seed = engine(1, dbs.get(0), layout.embedded(1, null, List.of()),
				ReplicationConfig.defaults());
		CompletableFuture<Void> seedStart = CompletableFuture.runAsync(seed::start);
		// Its server runs, with a cluster of one waiting for a peer, rather than exiting at once as it did.
		await().atMost(TIMEOUT).until(() -> Files.exists(layout.pidFile(1)) && isAlive(pid(layout.pidFile(1))));
		assertThat(seedStart).isNotCompletedExceptionally();

		HarmonyLiteEngine joiner = engine(2, dbs.get(1),
				layout.embedded(2, null, List.of("nats://" + layout.clusterAddr(1))), ReplicationConfig.defaults());
		joiner.start();
		seedStart.join();
		dbs.get(0).execute("INSERT INTO items VALUES (1, 1)");
		dbs.get(1).execute("INSERT INTO items VALUES (2, 2)");
		for (TestDatabase db : dbs) {
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(db.rows("SELECT id FROM items ORDER BY id"))
				.containsExactly("1", "2"));
		}

		// The joiner's store directory removed under its running server (a cleanup by hand): health says so.
		Path store = layout.pidFile(2).getParent();
		deleteRecursively(store);
		assertThat(joiner.status().problems()).anySatisfy((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.STORE_REMOVED);
			assertThat(problem.reason()).contains(store.toString());
		});
		assertThat(seed.status().problems()).noneMatch((problem) -> problem.kind() == EngineStatus.ProblemKind.STORE_REMOVED);
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

	private Path startBlockableBinary(Path block) throws IOException {
		Path binary = this.dir.resolve("bin/nats-server");
		Files.createDirectories(binary.getParent());
		Files.writeString(binary, "#!/bin/sh\nif [ -e '" + block + "' ]; then\n  echo 'blocked by the test' >&2\n"
				+ "  exit 1\nfi\nexec '" + NatsTestServer.BINARY + "' \"$@\"\n");
		Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
		return binary;
	}

	private List<TestDatabase> databases(int count) {
		return IntStream.rangeClosed(1, count).mapToObj((node) -> {
			TestDatabase db = new TestDatabase(this.dir.resolve("node-" + node + ".db"));
			db.execute(ITEMS);
			return db;
		}).toList();
	}

	private HarmonyLiteEngine engine(int node, TestDatabase db, EmbeddedNatsConfig embedded,
			ReplicationConfig replication) {
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(HarmonyLiteConfig.builder()
			.nodeId(node)
			.dbPath(db.path())
			.pollingInterval(Duration.ofMillis(20))
			.nats(EmbeddedClusterLayout.nats(embedded))
			.replication(replication)
			.build()).build();
		this.engines.add(engine);
		return engine;
	}

	/**
	 * An operator's read of the cluster's schema (the actuator's schema endpoint) answers "unavailable" within the
	 * 5 s read deadline, not after the registry's 15 s of retries.
	 */
	private static void assertClusterSchemaUnavailableWithoutWaiting(HarmonyLiteEngine engine, String reason) {
		long start = System.nanoTime();
		assertThatThrownBy(engine::clusterSchema).isInstanceOf(SchemaRegistryException.class).hasMessageContaining(reason);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
	}

	private static void startTogether(HarmonyLiteEngine... engines) {
		// Clustered JetStream needs a majority of the servers: the nodes start together.
		CompletableFuture.allOf(List.of(engines).stream().map((engine) -> CompletableFuture.runAsync(engine::start))
			.toArray(CompletableFuture[]::new)).join();
	}

	private static void insert(TestDatabase db, int from, int to) {
		for (int id = from; id <= to; id++) {
			db.execute("INSERT INTO items VALUES (" + id + ", 1)");
		}
	}

	private static long pid(Path pidFile) throws IOException {
		return Long.parseLong(Files.readString(pidFile).trim());
	}

	private static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

}
