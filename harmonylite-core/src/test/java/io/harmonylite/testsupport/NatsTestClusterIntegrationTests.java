package io.harmonylite.testsupport;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.nats.StreamManager;
import io.harmonylite.replicate.ReplicationConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.Replica;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link NatsTestCluster} and {@link NatsTestServer} behave as the replication tests rely on.
 */
class NatsTestClusterIntegrationTests {

	@Test
	void clusterShouldFormAndServeStreamWithOneReplicaPerServerAcrossRestarts() throws Exception {
		try (NatsTestCluster cluster = NatsTestCluster.start(3)) {
			assertThat(cluster.urls()).hasSize(3).doesNotHaveDuplicates();
			ReplicationConfig defaults = ReplicationConfig.defaults();
			ReplicationConfig config = new ReplicationConfig(1, "cluster-test", "cluster-test-subject", 3, 1000, false,
					false, defaults.publishWindow(), defaults.applyBatchSize());
			try (Connection first = Nats.connect(cluster.urls().get(0));
					Connection third = Nats.connect(cluster.urls().get(2))) {
				new StreamManager(first.jetStreamManagement(), config).ensureStreams();
				ClusterInfo placement = first.jetStreamManagement().getStreamInfo(config.streamName(0)).getClusterInfo();
				Set<String> servers = new HashSet<>();
				servers.add(placement.getLeader());
				placement.getReplicas().stream().map(Replica::getName).forEach(servers::add);
				assertThat(servers).containsExactlyInAnyOrder(cluster.server(0).name(), cluster.server(1).name(),
						cluster.server(2).name());

				first.jetStream().publish(config.subject(0), "one".getBytes());
				MessageInfo read = third.jetStreamManagement().getMessage(config.streamName(0), 1);
				assertThat(new String(read.getData())).isEqualTo("one");

				cluster.server(0).restart();
				assertThat(cluster.server(0).isRunning()).isTrue();
				JetStreamManagement viaThird = third.jetStreamManagement();
				await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
					third.jetStream().publish(config.subject(0), "two".getBytes());
					assertThat(viaThird.getStreamInfo(config.streamName(0)).getStreamState().getMsgCount())
						.isGreaterThanOrEqualTo(2);
				});
			}
		}
	}

	@Test
	void killedServerShouldRestartOnSamePortWithItsStore() throws Exception {
		try (NatsTestServer server = NatsTestServer.start()) {
			int port = server.port();
			long pid = server.pid();
			try (Connection connection = Nats.connect(server.url())) {
				connection.jetStreamManagement()
					.addStream(io.nats.client.api.StreamConfiguration.builder().name("kept").subjects("kept").build());
				connection.jetStream().publish("kept", "x".getBytes());
			}
			server.kill();
			assertThat(server.isRunning()).isFalse();
			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			Options options = new Options.Builder().server(server.url()).build();
			try (Connection connection = Nats.connect(options)) {
				assertThat(connection.jetStreamManagement().getStreamInfo("kept").getStreamState().getMsgCount())
					.isEqualTo(1);
			}
		}
	}

	@Test
	void closeShouldStopProcessAndFreePort() {
		NatsTestServer server = NatsTestServer.start();
		long pid = server.pid();
		server.close();
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(FreePorts.isFree(server.port())).isTrue();
		assertThat(server.dir()).doesNotExist();
	}

	@Test
	void invalidConfigurationShouldFailWithLogTail() {
		assertThatExceptionOfType(HarmonyLiteException.class)
			.isThrownBy(() -> NatsTestServer.start("jetstream: { no_such_option: [ }"))
			.withMessageContaining("exited with status")
			.withMessageContaining("End of its log");
	}

}
