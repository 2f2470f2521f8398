package io.harmonylite.nats;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import org.jspecify.annotations.Nullable;

/**
 * A server's replicas that stay behind although their leader hears from them: not current for a whole
 * {@link #WINDOW}, and no nearer their leader at its end than at its start. A replica catching up gets nearer, and
 * one unheard of is {@link StuckReplica stuck} already; this one answers and does not follow, as nats-server 2.10 can
 * leave a replica that rejected a message its leader took (seen after rolling restarts, its lag growing for minutes).
 * The cluster keeps one copy fewer meanwhile. Remembers, per stream, since when and how far behind it has been seen;
 * not thread-safe (one per node, looked at by one task).
 */
final class LaggingReplicas {

	/** How long a replica may stay behind without getting nearer its leader. */
	static final Duration WINDOW = Duration.ofMinutes(5);

	private final Map<String, Behind> behind = new HashMap<>();

	/**
	 * How the given server's replica of a stream stays behind, as its leader sees it now.
	 * @param stream the stream
	 * @param server the server's name, e.g. {@code harmonylite-node-3}
	 * @param cluster the stream's cluster information from its leader
	 * @param now the time of this look
	 * @return what the leader sees of the replica that stays behind, {@code null} when it is current, gets nearer, has
	 * not been behind for the whole window (or is no replica, or the stream has no leader)
	 */
	@Nullable String of(String stream, String server, @Nullable ClusterInfo cluster, Instant now) {
		Replica replica = StuckReplica.notCurrent(server, cluster);
		if (replica == null) {
			this.behind.remove(stream);
			return null;
		}
		Behind seen = this.behind.get(stream);
		if (seen == null || replica.getLag() < seen.lag()) {
			// First seen behind, or nearer its leader than at the start of the window: a new window starts.
			this.behind.put(stream, new Behind(now, replica.getLag()));
			return null;
		}
		if (Duration.between(seen.since(), now).compareTo(WINDOW) < 0) {
			return null;
		}
		return "not current for " + Duration.between(seen.since(), now).toMinutes() + " min although leader "
				+ cluster.getLeader() + " hears from it, " + replica.getLag() + " operation(s) behind (" + seen.lag()
				+ " when first seen)";
	}

	/**
	 * Forgets the streams that are gone.
	 * @param streams the streams there are now
	 */
	void retain(Collection<String> streams) {
		this.behind.keySet().retainAll(streams);
	}

	/** Since when a replica has been behind in this window, and how far it was then. */
	private record Behind(Instant since, long lag) {
	}

}
