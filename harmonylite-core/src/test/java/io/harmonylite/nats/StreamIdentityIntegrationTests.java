package io.harmonylite.nats;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsTestCluster;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link StreamIdentity}: a replicated stream keeps its identity whichever replica leads it, also after every server
 * restarted, and a stream created again under the same name gets another.
 */
class StreamIdentityIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Test
	void replicatedStreamShouldKeepItsIdentityAcrossRestartsAndLeadersButNotAcrossRecreation() throws Exception {
		ReplicationConfig config = new ReplicationConfig(1, "identity", "identity-subject", 3, 1000, false, false,
				1024, 1000);
		String stream = config.streamName(0);
		try (NatsTestCluster cluster = NatsTestCluster.start(3)) {
			Options options = new Options.Builder().servers(cluster.urls().toArray(String[]::new))
				.maxReconnects(-1)
				.build();
			try (Connection connection = Nats.connectReconnectOnConnect(options)) {
				JetStreamManagement jsm = connection.jetStreamManagement();
				new StreamManager(jsm, config).ensureStreams();
				String identity = identity(jsm, stream);
				assertThat(identity).startsWith("id:");

				for (int server = 0; server < cluster.size(); server++) {
					cluster.server(server).kill();
				}
				for (int server = 0; server < cluster.size(); server++) {
					cluster.server(server).restart();
				}
				Set<String> leaders = new HashSet<>();
				for (int stepdown = 0; stepdown < 6; stepdown++) {
					await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
						assertThat(StreamIdentity.of(jsm.getStreamInfo(stream))).isEqualTo(identity);
						leaders.add(jsm.getStreamInfo(stream).getClusterInfo().getLeader());
					});
					connection.request("$JS.API.STREAM.LEADER.STEPDOWN." + stream, null, Duration.ofSeconds(5));
				}
				assertThat(leaders).as("leaders seen").hasSizeGreaterThan(1);

				await().atMost(TIMEOUT).ignoreExceptions().until(() -> jsm.deleteStream(stream));
				new StreamManager(jsm, config).ensureStreams();
				assertThat(identity(jsm, stream)).startsWith("id:").isNotEqualTo(identity);
			}
		}
	}

	private static String identity(JetStreamManagement jsm, String stream) {
		return await().atMost(TIMEOUT).ignoreExceptions().until(() -> StreamIdentity.of(jsm.getStreamInfo(stream)),
				(identity) -> true);
	}

}
