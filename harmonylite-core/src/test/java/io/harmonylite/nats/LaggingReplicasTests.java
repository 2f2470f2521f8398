package io.harmonylite.nats;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.nats.client.api.ClusterInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a server's replica that its leader hears from counts as staying behind: not current for the whole window and
 * no nearer its leader at its end (the figures are like those of the presence bucket's replica in a rolling restart:
 * heard from every second, 96 and then 204 operations behind).
 */
class LaggingReplicasTests {

	private static final Instant START = Instant.parse("2026-12-02T13:00:00Z");

	private static final String STREAM = "KV_harmonylite-node-presence";

	private final LaggingReplicas lagging = new LaggingReplicas();

	@Test
	void replicaHeardFromButNeverNearerItsLeaderForTheWholeWindowShouldStayBehind() throws IOException {
		assertThat(look(START, 96)).as("first seen").isNull();
		assertThat(look(START.plus(Duration.ofMinutes(4)), 150)).as("not for the whole window yet").isNull();

		assertThat(look(START.plus(LaggingReplicas.WINDOW), 204))
			.isEqualTo("not current for 5 min although leader n1 hears from it, 204 operation(s) behind (96 when first "
					+ "seen)");
	}

	@Test
	void replicaGettingNearerItsLeaderShouldStartANewWindow() throws IOException {
		look(START, 4_000);
		assertThat(look(START.plus(Duration.ofMinutes(4)), 1_000)).as("catching up").isNull();

		assertThat(look(START.plus(LaggingReplicas.WINDOW), 1_200)).as("5 min after the start, 1 after it got nearer")
			.isNull();
		assertThat(look(START.plus(Duration.ofMinutes(9)), 1_300)).isNotNull();
	}

	@Test
	void replicaThatWasCurrentBetweenTwoLooksShouldStartANewWindow() throws IOException {
		look(START, 96);
		assertThat(this.lagging.of(STREAM, "n3", cluster("n1", replica("n3", true, 0)), START.plusSeconds(60))).isNull();

		assertThat(look(START.plus(LaggingReplicas.WINDOW), 204)).isNull();
	}

	@Test
	void streamThatIsGoneShouldBeForgotten() throws IOException {
		look(START, 96);
		this.lagging.retain(List.of("another-stream"));

		assertThat(look(START.plus(LaggingReplicas.WINDOW), 204)).isNull();
	}

	@Test
	void leaderOrStreamWithoutALeaderShouldNeverStayBehind() throws IOException {
		ClusterInfo led = cluster("n3", replica("n1", false, 500));
		ClusterInfo leaderless = cluster("", replica("n3", false, 500));
		for (Instant at : List.of(START, START.plus(LaggingReplicas.WINDOW))) {
			assertThat(this.lagging.of(STREAM, "n3", led, at)).isNull();
			assertThat(this.lagging.of(STREAM, "n3", leaderless, at)).isNull();
		}
	}

	private String look(Instant at, long lag) throws IOException {
		return this.lagging.of(STREAM, "n3", cluster("n1", replica("n2", true, 0), replica("n3", false, lag)), at);
	}

	private static String replica(String name, boolean current, long lag) {
		return ClusterInfoJson.replica(name, current, 1_000_000_000L, lag);
	}

	private static ClusterInfo cluster(String leader, String... replicas) throws IOException {
		return ClusterInfoJson
			.of("\"leader\": \"" + leader + "\", \"replicas\": [" + String.join(", ", replicas) + "]");
	}

}
