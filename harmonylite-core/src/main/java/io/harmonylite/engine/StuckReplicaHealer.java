package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts this node's embedded nats-server when one of its stream replicas is stuck (its leader has not heard from
 * it for a minute although the leader answers): nats-server 2.10 can leave a replica so after its server was frozen,
 * and it catches up once the server restarts. At most one restart per {@link #PAUSE}, so that a replica that stays
 * stuck for another reason does not make the node restart its server over and over.
 */
final class StuckReplicaHealer implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(StuckReplicaHealer.class);

	/** How long a replica's leader may go without hearing from it. */
	static final Duration SILENCE = Duration.ofSeconds(60);

	/** The least time between two restarts. */
	static final Duration PAUSE = Duration.ofMinutes(10);

	/** How often the replicas are looked at. */
	static final Duration INTERVAL = Duration.ofSeconds(30);

	private final long nodeId;

	private final Supplier<List<String>> stuckReplicas;

	private final Consumer<String> restartServer;

	private final Clock clock;

	private @Nullable Instant lastRestart;

	/**
	 * Creates the healer.
	 * @param nodeId this node's id, for the log
	 * @param stuckReplicas the streams whose replica on this node's server is stuck, each described
	 * @param restartServer restarts the embedded server, given the reason
	 * @param clock the clock
	 */
	StuckReplicaHealer(long nodeId, Supplier<List<String>> stuckReplicas, Consumer<String> restartServer,
			Clock clock) {
		this.nodeId = nodeId;
		this.stuckReplicas = stuckReplicas;
		this.restartServer = restartServer;
		this.clock = clock;
	}

	@Override
	public void run() {
		List<String> stuck = this.stuckReplicas.get();
		if (stuck.isEmpty()) {
			return;
		}
		Instant now = this.clock.instant();
		if (this.lastRestart != null && Duration.between(this.lastRestart, now).compareTo(PAUSE) < 0) {
			logger.warn("Node {}: replicas on this node's nats-server are stuck: {}; its server was restarted at {} "
					+ "already, so it is left alone until {}: check its log", this.nodeId, stuck, this.lastRestart,
					this.lastRestart.plus(PAUSE));
			return;
		}
		this.lastRestart = now;
		this.restartServer.accept("its replica of " + String.join(", ", stuck) + " does not catch up");
	}

}
