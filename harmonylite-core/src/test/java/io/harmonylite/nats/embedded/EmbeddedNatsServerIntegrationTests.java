package io.harmonylite.nats.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.harmonylite.ConfigException;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.nats.NatsConnector;
import io.harmonylite.nats.NatsPreflight;
import io.harmonylite.testsupport.FreePorts;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link EmbeddedNatsServer} runs a real {@code nats-server} as configured and never leaves it behind.
 */
class EmbeddedNatsServerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** Two servers elect a JetStream meta leader in seconds; on a loaded 2-core machine it has taken over 30 s. */
	private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(90);

	@TempDir
	Path dir;

	private final java.util.List<AutoCloseable> resources = new java.util.ArrayList<>();

	@AfterEach
	void closeResources() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void startShouldRunJetStreamWithConfiguredStoreDirPortAndServerName() throws Exception {
		int port = FreePorts.one();
		Path store = this.dir.resolve("store");
		EmbeddedNatsServer server = track(
				new EmbeddedNatsServer(new EmbeddedNatsConfig(null, store, port, null, List.of()), 5, db()));
		server.start();
		assertThat(server.clientUrl()).isEqualTo("nats://127.0.0.1:" + port);
		try (Connection connection = connect(server)) {
			assertThat(connection.getServerInfo().getServerName()).isEqualTo("harmonylite-node-5");
			assertThat(connection.getServerInfo().isJetStreamAvailable()).isTrue();
			connection.jetStreamManagement()
				.addStream(StreamConfiguration.builder().name("s").subjects("s").storageType(StorageType.File).build());
			connection.jetStream().publish("s", "x".getBytes());
		}
		assertThat(store.resolve("jetstream")).isDirectory();
		assertThat(store.resolve("nats-server.conf")).content().contains("harmonylite-node-5");
		assertThat(server.logFile()).exists();
	}

	@Test
	void serverAnEarlierRunLeftWithoutItsJvmShouldBeStoppedBeforeTheNodesServerStarts() throws Exception {
		int port = FreePorts.one();
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, this.dir.resolve("store"), port, null, List.of());
		EmbeddedNatsServer earlier = new EmbeddedNatsServer(config, 5, db());
		earlier.start();
		earlier.stop();
		// As after kill -9 of the watchdog, then of the JVM: the server runs on, its parent gone.
		Path configFile = earlier.storeDir().resolve("nats-server.conf");
		new ProcessBuilder("/bin/sh", "-c", "'" + earlier.binary().path() + "' -c '" + configFile + "' >/dev/null 2>&1 &")
			.start()
			.waitFor();
		await().atMost(TIMEOUT).until(() -> Files.exists(earlier.pidFile()) && listening(port));
		long leftover = Long.parseLong(Files.readString(earlier.pidFile()).trim());
		// A node's start checks its ports before it starts its server: the leftover must be gone by then.
		NatsConfig defaults = NatsConfig.embeddedDefaults();
		NatsPreflight.check(new NatsConfig(List.of(), null, null, null, null, null, null, null,
				defaults.connectRetries(), defaults.reconnectWait(), config), 5, db());
		assertThat(ProcessHandle.of(leftover).filter(ProcessHandle::isAlive)).isEmpty();
		EmbeddedNatsServer server = track(new EmbeddedNatsServer(config, 5, db()));
		server.start();
		assertThat(ProcessHandle.of(leftover).filter(ProcessHandle::isAlive)).isEmpty();
		assertThat(server.pid()).isNotEqualTo(leftover);
		try (Connection connection = connect(server)) {
			assertThat(connection.getServerInfo().getServerName()).isEqualTo("harmonylite-node-5");
		}
	}

	@Test
	void storeOfAnotherNodeShouldBeRefusedNamingTheNodeIdBeforeAnythingStarts() throws Exception {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, this.dir.resolve("store"), FreePorts.one(), null,
				List.of());
		EmbeddedNatsServer second = new EmbeddedNatsServer(config, 2, db());
		second.start();
		second.stop();
		String secondsConfig = Files.readString(second.storeDir().resolve("nats-server.conf"));
		// A configuration copied from node 1 to node 2's machine: the same store, node id 1.
		NatsConfig defaults = NatsConfig.embeddedDefaults();
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> NatsPreflight.check(new NatsConfig(List.of(), null, null, null, null, null, null, null,
					defaults.connectRetries(), defaults.reconnectWait(), config), 1, db()))
			.withMessageContaining("holds the JetStream data of node 2's server");
		EmbeddedNatsServer copied = track(new EmbeddedNatsServer(config, 1, db()));
		assertThatExceptionOfType(ConfigException.class).isThrownBy(copied::start)
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.node-id"))
			.withMessageContaining("holds the JetStream data of node 2's server");
		assertThat(copied.isRunning()).isFalse();
		assertThat(second.storeDir().resolve("nats-server.conf")).content().isEqualTo(secondsConfig);
		EmbeddedNatsServer again = track(new EmbeddedNatsServer(config, 2, db()));
		again.start();
		assertThat(again.isRunning()).isTrue();
	}

	@Test
	void storeOfAClusteredServerShouldBeRefusedToAServerAloneNamingTheClusterSetting() throws Exception {
		List<Integer> ports = FreePorts.many(3);
		Path store = this.dir.resolve("store");
		EmbeddedNatsServer clustered = track(new EmbeddedNatsServer(new EmbeddedNatsConfig(null, store, ports.get(0),
				"127.0.0.1:" + ports.get(1), List.of("nats://127.0.0.1:" + ports.get(2))), 1, db()));
		clustered.start();
		await().atMost(TIMEOUT).until(() -> Files.isDirectory(store.resolve("jetstream/$SYS/_js_")));
		clustered.stop();
		// An offline command given the node id and the database only.
		EmbeddedNatsConfig alone = new EmbeddedNatsConfig(null, store, ports.get(0), null, List.of());
		NatsConfig defaults = NatsConfig.embeddedDefaults();
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> NatsPreflight.check(new NatsConfig(List.of(), null, null, null, null, null, null, null,
					defaults.connectRetries(), defaults.reconnectWait(), alone), 1, db()))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.cluster-addr"))
			.withMessageContaining("holds a clustered JetStream", "--cluster-addr and --cluster-peers");
		EmbeddedNatsServer server = track(new EmbeddedNatsServer(alone, 1, db()));
		assertThatExceptionOfType(ConfigException.class).isThrownBy(server::start);
		assertThat(server.isRunning()).isFalse();
	}

	@Test
	void serverOfARunningNodeShouldNeverBeStoppedByAnotherStart() throws Exception {
		int port = FreePorts.one();
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, this.dir.resolve("store"), port, null, List.of());
		EmbeddedNatsServer running = track(new EmbeddedNatsServer(config, 5, db()));
		running.start();
		EmbeddedNatsServer other = track(new EmbeddedNatsServer(config, 5, db()));
		assertThatExceptionOfType(NatsPortInUseException.class).isThrownBy(other::start);
		assertThat(running.isRunning()).isTrue();
	}

	private static boolean listening(int port) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Test
	void defaultsShouldPutStoreNextToDatabaseAndPickFreePortWhenPortIsZero() throws Exception {
		EmbeddedNatsServer server = track(
				new EmbeddedNatsServer(new EmbeddedNatsConfig(null, null, 0, null, List.of()), 1, db()));
		server.start();
		assertThat(server.storeDir()).isEqualTo(this.dir.resolve("app.db-nats").toAbsolutePath());
		assertThat(server.storeDir().resolve("jetstream")).isDirectory();
		try (Connection connection = connect(server)) {
			assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
		}
	}

	@Test
	void stopShouldLeaveNoProcessAndFreePortAndBeIdempotent() {
		int port = FreePorts.one();
		EmbeddedNatsServer server = new EmbeddedNatsServer(new EmbeddedNatsConfig(null, null, port, null, List.of()),
				1, db());
		server.start();
		long pid = server.pid();
		assertThat(isAlive(pid)).isTrue();
		server.stop();
		assertThat(isAlive(pid)).isFalse();
		assertThat(FreePorts.isFree(port)).isTrue();
		assertThat(server.isRunning()).isFalse();
		server.stop();
		server.close();
		assertThat(server.isRunning()).isFalse();
	}

	@Test
	void configuredBinaryThatDoesNotExistShouldFailWithInstallHint() {
		Path missing = this.dir.resolve("bin/nats-server");
		EmbeddedNatsServer server = new EmbeddedNatsServer(new EmbeddedNatsConfig(missing, null, 0, null, List.of()),
				1, db());
		assertThatExceptionOfType(ConfigException.class).isThrownBy(server::start)
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.binary"))
			.withMessageContaining(missing.toString())
			.withMessageContaining("apt-get install nats-server")
			.withMessageContaining("harmonylite.nats.urls");
	}

	@Test
	void binaryMissingFromPathShouldFailWithInstallHint() {
		EmbeddedNatsServer server = new EmbeddedNatsServer(new EmbeddedNatsConfig(null, null, 0, null, List.of()), 1,
				db(), List.of(this.dir.resolve("empty-bin")));
		assertThatExceptionOfType(NatsServerNotFoundException.class).isThrownBy(server::start)
			.withMessageContaining("apt-get install nats-server")
			.withMessageContaining("harmonylite.nats.embedded.binary")
			.withMessageContaining("harmonylite.nats.urls");
		assertThat(this.dir.resolve("app.db-nats")).doesNotExist();
	}

	@Test
	void twoEmbeddedServersWithRoutesToEachOtherShouldFormJetStreamCluster() throws Exception {
		List<Integer> ports = FreePorts.many(4);
		String routeA = "nats://127.0.0.1:" + ports.get(2);
		String routeB = "nats://127.0.0.1:" + ports.get(3);
		EmbeddedNatsServer a = track(new EmbeddedNatsServer(new EmbeddedNatsConfig(null, this.dir.resolve("a"),
				ports.get(0), "127.0.0.1:" + ports.get(2), List.of(routeA, routeB)), 1, db()));
		EmbeddedNatsServer b = track(new EmbeddedNatsServer(new EmbeddedNatsConfig(null, this.dir.resolve("b"),
				ports.get(1), "127.0.0.1:" + ports.get(3), List.of(routeA, routeB)), 2, db()));
		// The first server must come up although its peer is not running yet.
		a.start();
		b.start();
		try (Connection connection = connect(a)) {
			JetStreamManagement jsm = connection.jetStreamManagement();
			await().atMost(CLUSTER_TIMEOUT).ignoreExceptions().untilAsserted(() -> jsm.addStream(
					StreamConfiguration.builder().name("pair").subjects("pair").replicas(2).build()));
			ClusterInfo cluster = jsm.getStreamInfo("pair").getClusterInfo();
			Set<String> servers = new HashSet<>();
			servers.add(cluster.getLeader());
			cluster.getReplicas().stream().map(Replica::getName).forEach(servers::add);
			assertThat(servers).containsExactlyInAnyOrder("harmonylite-node-1", "harmonylite-node-2");
			assertThat(cluster.getName()).isEqualTo(EmbeddedNatsServer.CLUSTER_NAME);
		}
	}

	@Test
	void serverShouldDieWhenItsJvmIsKilled() throws Exception {
		int port = FreePorts.one();
		Process child = startChild(port, "unsupervised");
		try {
			long serverPid = awaitReady(port);
			child.destroyForcibly();
			assertThat(child.waitFor()).isEqualTo(137);
			awaitGone(serverPid, port);
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void serverShouldDieWhenItsJvmIsKilledAlsoAfterItsWatchdogWasKilled() throws Exception {
		int port = FreePorts.one();
		Process child = startChild(port, "unsupervised");
		try {
			long serverPid = awaitReady(port);
			ProcessHandle killed = watchdogOf(child);
			killed.destroyForcibly();
			await().atMost(TIMEOUT).until(() -> child.children().anyMatch((process) -> isWatchdog(process)
					&& process.pid() != killed.pid()));
			assertThat(Files.readString(this.dir.resolve("child.out"))).contains("starting a new one");

			child.destroyForcibly();
			assertThat(child.waitFor()).isEqualTo(137);
			awaitGone(serverPid, port);
		}
		finally {
			child.destroyForcibly();
		}
	}

	private static ProcessHandle watchdogOf(Process jvm) {
		return await().atMost(TIMEOUT)
			.until(() -> jvm.children().filter(EmbeddedNatsServerIntegrationTests::isWatchdog).findFirst(),
					Optional::isPresent)
			.get();
	}

	private static boolean isWatchdog(ProcessHandle process) {
		return process.isAlive() && process.info().command().map((command) -> command.endsWith("sh")).orElse(false);
	}

	@Test
	void supervisedServerShouldNotBeRestartedWhileItsJvmShutsDown() throws Exception {
		int port = FreePorts.one();
		Process child = startChild(port, "supervised");
		try {
			long serverPid = awaitReady(port);
			// SIGTERM: the shutdown hook stops the server, which its supervisor must not take for a crash.
			child.destroy();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			awaitGone(serverPid, port);
			assertThat(Files.readString(this.dir.resolve("child.out"))).as("the child's log")
				.doesNotContain("exited unexpectedly")
				.doesNotContain("runs again");
			await().during(Duration.ofSeconds(2))
				.atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(FreePorts.isFree(port))
					.as("port %d free (no server restarted during the shutdown)", port)
					.isTrue());
		}
		finally {
			child.destroyForcibly();
		}
	}

	private Process startChild(int port, String mode) throws IOException {
		return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), EmbeddedServerMain.class.getName(),
				this.dir.resolve("child-store").toString(), Integer.toString(port), mode)
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("child.out").toFile())
			.start();
	}

	private long awaitReady(int port) {
		Pattern ready = Pattern.compile("^READY (\\d+)$", Pattern.MULTILINE);
		long serverPid = await().atMost(TIMEOUT).until(() -> {
			Matcher matcher = ready.matcher(Files.readString(this.dir.resolve("child.out")));
			return matcher.find() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.<Long>empty();
		}, Optional::isPresent).get();
		assertThat(isAlive(serverPid)).isTrue();
		assertThat(FreePorts.isFree(port)).isFalse();
		return serverPid;
	}

	private static void awaitGone(long serverPid, int port) {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(isAlive(serverPid)).as("nats-server pid %d alive", serverPid).isFalse();
			assertThat(FreePorts.isFree(port)).isTrue();
		});
	}

	private Path db() {
		return this.dir.resolve("app.db");
	}

	private EmbeddedNatsServer track(EmbeddedNatsServer server) {
		this.resources.add(0, server);
		return server;
	}

	private static Connection connect(EmbeddedNatsServer server) {
		NatsConfig config = new NatsConfig(List.of(), null, null, null, null, null, null, null, 0,
				Duration.ofMillis(100), EmbeddedNatsConfig.defaults());
		return new NatsConnector(config, 1).connect(List.of(server.clientUrl()));
	}

	private static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

}
