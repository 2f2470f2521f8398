package io.harmonylite.nats;

import java.io.IOException;

import io.nats.client.api.ClusterInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a replicated stream counts as able to take writes, from the cluster information its leader answers with
 * (replica activity in nanoseconds, as nats-server reports it).
 */
class StreamQuorumTests {

	private static final long MS = 1_000_000L;

	@Test
	void singleReplicaStreamShouldAlwaysTakeWrites() throws IOException {
		assertThat(StreamQuorum.problem("s", cluster("\"leader\": \"n1\""))).isNull();
		assertThat(StreamQuorum.problem("s", null)).isNull();
	}

	@Test
	void leaderThatHeardFromTheOtherReplicasLatelyShouldTakeWrites() throws IOException {
		assertThat(StreamQuorum.problem("s", cluster(replicas("n1", replica("n2", true, 675 * MS),
				replica("n3", true, 676 * MS))))).isNull();
	}

	@Test
	void leaderThatHeardFromOneOfTwoOtherReplicasShouldStillHaveAMajority() throws IOException {
		assertThat(StreamQuorum.problem("s", cluster(replicas("n1", replica("n2", true, 300 * MS),
				replica("n3", false, 40_000 * MS))))).isNull();
	}

	@Test
	void leaderCutOffFromEveryOtherReplicaShouldBeReportedWithWhatItLastSaw() throws IOException {
		assertThat(StreamQuorum.problem("harmonylite-changes-0", cluster(replicas("n3", replica("n1", true, 6_200 * MS),
				replica("n2", false, 9_000 * MS)))))
			.startsWith("Stream harmonylite-changes-0's leader n3 has not heard from a majority of its replicas for 5 s")
			.contains("n1 seen 6200 ms ago", "n2 seen 9000 ms ago")
			.endsWith("it is cut off from its cluster (a partition, or servers down)");
	}

	@Test
	void fiveReplicasShouldNeedTwoOthersHeardFrom() throws IOException {
		String fresh = replica("n2", true, 100 * MS);
		String stale = replica("n4", true, 8_000 * MS);
		assertThat(StreamQuorum.problem("s", cluster(replicas("n1", fresh, replica("n3", true, 200 * MS), stale,
				replica("n5", true, 9_000 * MS))))).isNull();
		assertThat(StreamQuorum.problem("s", cluster(replicas("n1", fresh, replica("n3", true, 7_000 * MS), stale,
				replica("n5", true, 9_000 * MS))))).isNotNull();
	}

	@Test
	void streamWithoutALeaderShouldBeReported() throws IOException {
		assertThat(StreamQuorum.problem("s", cluster(replicas("", replica("n2", true, 0), replica("n3", true, 0)))))
			.isEqualTo("Stream s has no leader: its replicas cannot reach a majority of each other (a partition, or "
					+ "servers down)");
	}

	private static String replicas(String leader, String... replicas) {
		return "\"leader\": \"" + leader + "\", \"replicas\": [" + String.join(", ", replicas) + "]";
	}

	private static String replica(String name, boolean current, long activeNanos) {
		return ClusterInfoJson.replica(name, current, activeNanos, 0);
	}

	private static ClusterInfo cluster(String fields) throws IOException {
		return ClusterInfoJson.of(fields);
	}

}
