package io.harmonylite.nats;

import java.io.IOException;
import java.time.Duration;

import io.nats.client.api.ClusterInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a server's replica of a stream counts as stuck, from its leader's cluster information (activity in
 * nanoseconds, as nats-server reports it; the figures of the stuck replica are those seen in a fault test).
 */
class StuckReplicaTests {

	private static final Duration SILENCE = Duration.ofSeconds(60);

	private static final long SECOND = 1_000_000_000L;

	@Test
	void replicaUnheardOfForMinutesShouldBeStuck() throws IOException {
		assertThat(StuckReplica.of("n3", cluster("n1", replica("n2", true, 0, 0), replica("n3", false, 155, 23)),
				SILENCE))
			.isEqualTo("not current, last heard of by leader n1 155 s ago, 23 operation(s) behind");
	}

	@Test
	void replicaOfAServerThatStartedLessThanTheSilenceAgoShouldNotBeStuckYet() throws IOException {
		// The leader last heard of it before its node's restart: the server catches up first.
		ClusterInfo cluster = cluster("n1", replica("n2", true, 0, 0), replica("n3", false, 91, 796));
		assertThat(StuckReplica.of("n3", cluster, SILENCE, Duration.ofSeconds(30))).isNull();
		assertThat(StuckReplica.of("n3", cluster, SILENCE, Duration.ofSeconds(75))).startsWith("not current");
	}

	@Test
	void replicaCatchingUpShouldNotBeStuck() throws IOException {
		assertThat(StuckReplica.of("n3", cluster("n1", replica("n2", true, 0, 0), replica("n3", false, 1, 4_000)),
				SILENCE))
			.isNull();
	}

	@Test
	void currentReplicaLeaderAndOtherServersShouldNotBeStuck() throws IOException {
		ClusterInfo cluster = cluster("n1", replica("n2", true, 0, 0), replica("n3", false, 155, 23));
		assertThat(StuckReplica.of("n2", cluster, SILENCE)).isNull();
		assertThat(StuckReplica.of("n1", cluster, SILENCE)).isNull();
		assertThat(StuckReplica.of("n4", cluster, SILENCE)).isNull();
		assertThat(StuckReplica.of("n3", cluster("", replica("n2", true, 0, 0), replica("n3", false, 155, 23)),
				SILENCE))
			.as("no leader: nobody can tell")
			.isNull();
	}

	private static String replica(String name, boolean current, long activeSeconds, long lag) {
		return ClusterInfoJson.replica(name, current, activeSeconds * SECOND, lag);
	}

	private static ClusterInfo cluster(String leader, String... replicas) throws IOException {
		return ClusterInfoJson
			.of("\"leader\": \"" + leader + "\", \"replicas\": [" + String.join(", ", replicas) + "]");
	}

}
