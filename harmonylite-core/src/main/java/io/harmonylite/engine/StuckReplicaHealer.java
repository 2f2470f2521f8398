package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts this node's embedded nats-server when one of its stream replicas is stuck (its leader has not heard from
 * it for a minute although the leader answers, or hears from it but it stays behind for minutes), and reports it
 * meanwhile: the cluster then keeps one copy fewer, and
 * one more server lost stops it. nats-server 2.10 can leave a replica so after its server was frozen, and a server
 * whose store filled up disables JetStream until it restarts; both catch up once the server restarts with room on
 * its disk (while the store is full, the restart waits: it would fail). Restarts are spaced out, {@link #FIRST_PAUSE}
 * and then twice as far apart up to {@link #MAX_PAUSE}, so that a replica that stays stuck for another reason does not make the node restart its server over and over.
 */
final class StuckReplicaHealer implements Runnable, ProblemSource {

	private static final Logger logger = LoggerFactory.getLogger(StuckReplicaHealer.class);

	/** How long a replica's leader may go without hearing from it. */
	static final Duration SILENCE = Duration.ofSeconds(60);

	/** The least time between the first two restarts. */
	static final Duration FIRST_PAUSE = Duration.ofMinutes(1);

	/** The longest time between two restarts. */
	static final Duration MAX_PAUSE = Duration.ofMinutes(10);

	/** How often the replicas are looked at. */
	static final Duration INTERVAL = Duration.ofSeconds(30);

	/**
	 * How long after a restart the server's replicas are first judged again: it runs for the silence first, and the
	 * check comes on its interval.
	 */
	static final Duration JUDGED_AFTER_RESTART = SILENCE.plus(INTERVAL).plus(INTERVAL);

	private final long nodeId;

	private final Supplier<List<String>> stuckReplicas;

	private final BooleanSupplier allCurrent;

	private final Supplier<String> storeSpace;

	private final BooleanSupplier storeFull;

	private final Consumer<String> restartServer;

	private final Clock clock;

	private @Nullable Instant lastRestart;

	private @Nullable Instant lastStuck;

	private Duration pause = FIRST_PAUSE;

	private volatile List<String> stuck = List.of();

	private volatile @Nullable Instant stuckSince;

	private volatile @Nullable Store store;

	/**
	 * Creates the healer.
	 * @param nodeId this node's id, for the log
	 * @param stuckReplicas the streams whose replica on this node's server is stuck, each described
	 * @param allCurrent whether every replica on this node's server is current now ({@code false} when unknown)
	 * @param storeSpace the free space of the server's store, described (e.g. {@code 12 MB free in /data/db-nats})
	 * @param storeFull whether the server's store is full: a restart cannot help then, and is put off
	 * @param restartServer restarts the embedded server, given the reason
	 * @param clock the clock
	 */
	StuckReplicaHealer(long nodeId, Supplier<List<String>> stuckReplicas, BooleanSupplier allCurrent,
			Supplier<String> storeSpace, BooleanSupplier storeFull, Consumer<String> restartServer, Clock clock) {
		this.nodeId = nodeId;
		this.stuckReplicas = stuckReplicas;
		this.allCurrent = allCurrent;
		this.storeSpace = storeSpace;
		this.storeFull = storeFull;
		this.restartServer = restartServer;
		this.clock = clock;
	}

	@Override
	public void run() {
		List<String> found = this.stuckReplicas.get();
		Instant now = this.clock.instant();
		if (found.isEmpty()) {
			if (this.lastRestart != null && Duration.between(this.lastRestart, now).compareTo(JUDGED_AFTER_RESTART) < 0
					&& !this.stuck.isEmpty() && !this.allCurrent.getAsBoolean()) {
				// The restarted server is not judged yet, and its replicas have not caught up: what was found before
				// stands, with its start.
				return;
			}
			this.stuck = found;
			this.stuckSince = null;
			return;
		}
		this.stuck = found;
		if (this.stuckSince == null) {
			// A restarted server is not judged until it has run for the silence, so a replica stuck again after each
			// restart shows as stuck, not, then stuck again: the pauses grow on, and start over only once no replica
			// was stuck for longer than the longest pause.
			if (this.lastStuck != null && Duration.between(this.lastStuck, now).compareTo(MAX_PAUSE) > 0) {
				this.pause = FIRST_PAUSE;
			}
			this.stuckSince = now;
		}
		this.lastStuck = now;
		// Looked at once per check; the status reports what was found.
		Store store = new Store(this.storeSpace.get(), this.storeFull.getAsBoolean());
		this.store = store;
		if (store.full()) {
			// Restarted now, the server could not even start, or would start without its streams.
			logger.warn("Node {}: replicas on this node's nats-server are stuck: {}; its store is full ({}), so the "
					+ "server is restarted once there is room: free disk space there", this.nodeId, found,
					store.space());
			this.lastRestart = null;
			this.pause = FIRST_PAUSE;
			return;
		}
		if (this.lastRestart != null && Duration.between(this.lastRestart, now).compareTo(this.pause) < 0) {
			logger.warn("Node {}: replicas on this node's nats-server are stuck: {} ({}); its server was restarted at "
					+ "{}, the next restart is due at {}: check its log", this.nodeId, found, store.space(),
					this.lastRestart, this.lastRestart.plus(this.pause));
			return;
		}
		if (this.lastRestart != null) {
			this.pause = this.pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : this.pause.multipliedBy(2);
		}
		this.lastRestart = now;
		this.restartServer.accept("its replica of " + String.join(", ", found) + " does not catch up ("
				+ store.space() + ")");
	}

	@Override
	public List<EngineStatus.Problem> problems() {
		List<String> current = this.stuck;
		Store store = this.store;
		if (current.isEmpty() || store == null) {
			return List.of();
		}
		String action = store.full()
				? "its store is full: free disk space there, and the server is restarted once there is room"
				: "the server is restarted, spaced out up to every " + MAX_PAUSE.toMinutes() + " min";
		return List.of(new EngineStatus.Problem(EngineStatus.ProblemKind.REPLICA_STUCK, EngineStatus.Severity.DEGRADED,
				"embedded nats-server", "its replica of " + String.join(", ", current) + " does not catch up, so the "
						+ "cluster keeps one copy fewer (" + store.space() + "; a server whose store is full "
						+ "disables JetStream until it restarts); " + action,
				this.stuckSince));
	}

	/** The server's store as the last check found it: its free space, described, and whether it is full. */
	private record Store(String space, boolean full) {
	}

}
