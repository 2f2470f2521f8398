package io.harmonylite.nats;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import org.jspecify.annotations.Nullable;

/**
 * Whether a replicated stream can take writes, as its leader's answer to a stream info request shows it: the stream
 * has a leader, and that leader heard from enough replicas lately to make a majority with itself. A leader cut off
 * from the others still answers until Raft notices the lost quorum (10 s and more), so an answer alone does not prove
 * that this node reaches its cluster; the replicas' "last seen" does, within {@link #PEER_SILENCE}.
 */
final class StreamQuorum {

	/** How long the leader may go without hearing from a replica before that replica no longer counts. */
	static final Duration PEER_SILENCE = Duration.ofSeconds(5);

	private StreamQuorum() {
	}

	/**
	 * What keeps the stream from taking writes.
	 * @param stream the stream's name, for the message
	 * @param cluster the stream's cluster information, {@code null} or without replicas for a single replica
	 * @return why the stream cannot take writes, {@code null} when it can (or has a single replica)
	 */
	static @Nullable String problem(String stream, @Nullable ClusterInfo cluster) {
		if (cluster == null || cluster.getReplicas() == null || cluster.getReplicas().isEmpty()) {
			return null;
		}
		if (!leaderKnown(cluster)) {
			return "Stream " + stream + " has no leader: its replicas cannot reach a majority of each other (a "
					+ "partition, or servers down)";
		}
		List<Replica> replicas = cluster.getReplicas();
		long heard = replicas.stream().filter(StreamQuorum::heardLately).count();
		int majority = (replicas.size() + 1) / 2 + 1;
		if (heard + 1 >= majority) {
			return null;
		}
		return "Stream " + stream + "'s leader " + cluster.getLeader() + " has not heard from a majority of its "
				+ "replicas for " + PEER_SILENCE.toSeconds() + " s ("
				+ replicas.stream().map(StreamQuorum::describe).collect(Collectors.joining(", "))
				+ "): it is cut off from its cluster (a partition, or servers down)";
	}

	/**
	 * Whether an answer about a stream came with its leader: always for a single replica; a replica of a replicated
	 * stream that knows no leader answers with its own state, which may be outdated.
	 * @param cluster the stream's cluster information, {@code null} or without replicas for a single replica
	 * @return {@code false} when the stream has replicas and the answer names no leader
	 */
	static boolean leaderKnown(@Nullable ClusterInfo cluster) {
		return cluster == null || cluster.getReplicas() == null || cluster.getReplicas().isEmpty()
				|| (cluster.getLeader() != null && !cluster.getLeader().isEmpty());
	}

	private static boolean heardLately(Replica replica) {
		Duration active = replica.getActive();
		return replica.isCurrent() && !replica.isOffline() && active != null
				&& active.compareTo(PEER_SILENCE) <= 0;
	}

	private static String describe(Replica replica) {
		Duration active = replica.getActive();
		return replica.getName() + (replica.isOffline() ? " offline" : "")
				+ ((active != null) ? " seen " + active.toMillis() + " ms ago" : " never seen");
	}

}
