package io.harmonylite.nats;

import java.time.Duration;

import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import org.jspecify.annotations.Nullable;

/**
 * Whether a server's replica of a stream is stuck, as the stream's leader sees it: not current, and not heard from for
 * longer than a threshold although the leader answers (so the routes to that server work). nats-server 2.10 can leave
 * a replica so after its server was frozen (seen after a {@code SIGSTOP} of 20 s: a schema registry replica stayed
 * behind, unheard of, for minutes); a restart of that server makes it catch up. A replica that is merely catching up
 * answers its leader and is not stuck.
 */
final class StuckReplica {

	private StuckReplica() {
	}

	/**
	 * How the given server's replica of a stream looks stuck.
	 * @param server the server's name, e.g. {@code harmonylite-node-3}
	 * @param cluster the stream's cluster information from its leader
	 * @param silence how long the leader may go without hearing from the replica
	 * @return what the leader sees of the stuck replica, {@code null} when it is not stuck (or not a replica, or the
	 * server leads the stream, or the stream has no leader)
	 */
	static @Nullable String of(String server, @Nullable ClusterInfo cluster, Duration silence) {
		return of(server, cluster, silence, null);
	}

	/**
	 * How the given server's replica of a stream looks stuck, for a server that has run for a time: the leader's
	 * silence counts only from the server's start, since a server that was down (a node restarted) could not be
	 * heard, and catches up first.
	 * @param server the server's name, e.g. {@code harmonylite-node-3}
	 * @param cluster the stream's cluster information from its leader
	 * @param silence how long the leader may go without hearing from the replica
	 * @param uptime how long the server has run, {@code null} when unknown
	 * @return what the leader sees of the stuck replica, {@code null} when it is not stuck
	 */
	static @Nullable String of(String server, @Nullable ClusterInfo cluster, Duration silence,
			@Nullable Duration uptime) {
		Replica replica = notCurrent(server, cluster);
		Duration active = (replica != null) ? replica.getActive() : null;
		if (active == null || active.compareTo(silence) <= 0 || (uptime != null && uptime.compareTo(silence) <= 0)) {
			return null;
		}
		return "not current, last heard of by leader " + cluster.getLeader() + " " + active.toSeconds() + " s ago, "
				+ replica.getLag() + " operation(s) behind";
	}

	/**
	 * The given server's replica of a stream when it is not current (and not offline), as the stream's leader sees it.
	 * @param server the server's name
	 * @param cluster the stream's cluster information from its leader
	 * @return the replica; {@code null} when it is current, offline, not a replica (or the server leads the stream),
	 * or the stream has no leader
	 */
	static @Nullable Replica notCurrent(String server, @Nullable ClusterInfo cluster) {
		if (cluster == null || cluster.getReplicas() == null || cluster.getLeader() == null
				|| cluster.getLeader().isEmpty() || server.equals(cluster.getLeader())) {
			return null;
		}
		for (Replica replica : cluster.getReplicas()) {
			if (server.equals(replica.getName()) && !replica.isCurrent() && !replica.isOffline()) {
				return replica;
			}
		}
		return null;
	}

}
