package io.harmonylite.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a shard stream has at least the intended replicas before the publisher sends to it, so that an
 * acknowledgement counts only when it comes from a stream replicated as configured (for instance not from a stream an
 * older node created with one replica). A stream found right is trusted for {@link #TRUST}; one found wrong, or whose
 * settings cannot be read, is checked again at the next publish after {@link #RECHECK}.
 */
final class StreamReplicaGuard {

	private static final Logger logger = LoggerFactory.getLogger(StreamReplicaGuard.class);

	static final Duration TRUST = Duration.ofSeconds(30);

	static final Duration RECHECK = Duration.ofSeconds(1);

	private final JetStreamManagement management;

	private final int intendedReplicas;

	private final Map<String, Check> checks = new ConcurrentHashMap<>();

	/**
	 * Creates a guard.
	 * @param management reads the streams' settings
	 * @param intendedReplicas the replicas every shard stream must have at least
	 */
	StreamReplicaGuard(JetStreamManagement management, int intendedReplicas) {
		this.management = management;
		this.intendedReplicas = intendedReplicas;
	}

	/**
	 * What keeps a stream from counting acknowledgements, checking its settings when the last check is too old.
	 * @param stream the stream
	 * @return the problem, or {@code null} when the stream has the intended replicas
	 */
	@Nullable String problem(String stream) {
		long now = System.nanoTime();
		Check last = this.checks.get(stream);
		if (last != null && now < last.validUntil) {
			return last.problem;
		}
		Check current = check(stream, now, last);
		if (current.problem != null && (last == null || !Objects.equals(last.problem, current.problem))) {
			logger.warn("Changes to stream {} are held (kept pending, retried): {}", stream, current.problem);
		}
		else if (current.problem == null && last != null && last.problem != null) {
			logger.info("Stream {} has {} or more replicas now; its held changes are sent", stream,
					this.intendedReplicas);
		}
		this.checks.put(stream, current);
		return current.problem;
	}

	private Check check(String stream, long now, @Nullable Check last) {
		try {
			int replicas = this.management.getStreamInfo(stream).getConfiguration().getReplicas();
			if (replicas >= this.intendedReplicas) {
				return new Check(null, null, now + TRUST.toNanos());
			}
			String problem = "stream " + stream + " has " + replicas + " replica(s), fewer than the intended "
					+ this.intendedReplicas + " (harmonylite.replication.replicas); raise them with 'nats stream edit "
					+ stream + " --replicas " + this.intendedReplicas + "' or set "
					+ "harmonylite.replication.update-existing=true";
			return new Check(problem, problem, now + RECHECK.toNanos());
		}
		catch (IOException | JetStreamApiException | IllegalStateException ex) {
			// JetStream not answering (a partition, no quorum) is the connection's problem, reported as such: the
			// durability status keeps what the settings said when they were last read.
			return new Check("could not read the settings of stream " + stream + " to check its replicas: "
					+ ex.getMessage(), (last != null) ? last.reported : null, now + RECHECK.toNanos());
		}
	}

	/**
	 * The problems found by the latest checks that could read the settings, for the node's status.
	 * @return one description per stream that does not have the intended replicas
	 */
	List<String> problems() {
		return this.checks.values().stream().map(Check::reported).filter(Objects::nonNull).sorted().toList();
	}

	/**
	 * One check of a stream.
	 * @param problem what holds the stream's changes, {@code null} when nothing does
	 * @param reported what the status says: the problem of the settings as last read
	 * @param validUntil when to check again
	 */
	private record Check(@Nullable String problem, @Nullable String reported, long validUntil) {
	}

}
