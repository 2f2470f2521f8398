package io.harmonylite.autoconfigure.health;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.NodeState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the HarmonyLite node, from {@link HarmonyLiteEngine#status()}: {@code UP} while running,
 * {@link #PAUSED} while a schema mismatch holds replication back or the node waits for a snapshot that fits
 * ({@link #PAUSED_MANUALLY} while an operator does), {@code RESTORING} while a snapshot is restored,
 * {@link #DEGRADED} while NATS is unreachable (also while JetStream does not answer: no quorum), while changes wait
 * too long for their acknowledgement or a shard stalled or keeps failing, local changes were marked failed because
 * they can never be published ({@link #PUBLISH_FAILED}), or the newest snapshot is older than
 * {@code harmonylite.snapshot.stale-after}, {@code DOWN} when capture is broken, a worker thread died (until it is
 * restarted), a stream dropped changes this node still needs, or the node's embedded nats-server died and is being
 * restarted, and {@code OUT_OF_SERVICE} while the engine is stopped. The status's description then names what is
 * wrong (the shard, table or server), and the details list every problem under {@code problems}.
 * <p>
 * {@code PAUSED} and {@code DEGRADED} are custom statuses: local writes still work, so they do not take the
 * application's overall health down unless {@code management.endpoint.health.status.order} lists them.
 *
 * @since 0.1.0
 */
public class HarmonyLiteHealthIndicator extends AbstractHealthIndicator {

	/** Replication of at least one shard is paused by a schema mismatch. */
	public static final Status PAUSED = new Status("PAUSED",
			"Replication is paused by a schema mismatch; local writes still work");

	/**
	 * Replication of at least one shard is paused by an operator: the {@code PAUSED} status, described as such.
	 */
	public static final Status PAUSED_MANUALLY = new Status(PAUSED.getCode(),
			"Replication of at least one shard is paused by an operator until resumed; local writes still work");

	/** NATS is unreachable; local changes are captured and sent after the reconnect. */
	public static final Status DEGRADED = new Status("DEGRADED",
			"NATS is unreachable; local writes are captured and sent after the reconnect");

	/** Replication goes on, but not everything flows; the description names what. */
	public static final Status DEGRADED_PROBLEMS = new Status(DEGRADED.getCode(),
			"Replication goes on, but not everything flows; see problems");

	/**
	 * Local changes were marked failed because they can never be published: the {@code DEGRADED} status, described as
	 * such; the details name their tables and keys.
	 */
	public static final Status PUBLISH_FAILED = new Status(DEGRADED.getCode(),
			"Local changes that can never be published were set aside; the other nodes miss them until an operator acts");

	/** The embedded nats-server's state while it is being restarted. */
	private static final String EMBEDDED_SERVER_DOWN = "DOWN";

	private final Supplier<EngineStatus> status;

	private final SnapshotHealth snapshots = new SnapshotHealth(Clock.systemUTC());

	/**
	 * Creates an indicator for the given engine.
	 * @param engine the engine
	 */
	public HarmonyLiteHealthIndicator(HarmonyLiteEngine engine) {
		this(engine::status);
	}

	HarmonyLiteHealthIndicator(Supplier<EngineStatus> status) {
		super("HarmonyLite health check failed");
		this.status = status;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		EngineStatus current = this.status.get();
		String embeddedServer = current.nats().embeddedServer();
		boolean down = EMBEDDED_SERVER_DOWN.equals(embeddedServer) || current.problems()
			.stream()
			.anyMatch((problem) -> problem.severity() == EngineStatus.Severity.DOWN);
		Status status = down ? Status.DOWN : SnapshotHealth.adjust(status(current.state()), current.snapshots());
		builder.status(described(status, current.problems()))
			.withDetail("nodeId", current.nodeId())
			.withDetail("state", current.state().name())
			.withDetail("natsConnected", current.nats().connected());
		if (!current.problems().isEmpty()) {
			builder.withDetail("problems", current.problems().stream().map(HarmonyLiteHealthIndicator::problem).toList());
		}
		if (embeddedServer != null) {
			builder.withDetail("embeddedServer", embeddedServer);
		}
		if (current.nats().durableAcks() != null) {
			builder.withDetail("durableAcks", current.nats().durableAcks());
		}
		builder
			.withDetail("pendingChanges", current.pendingChanges())
			.withDetail("failedChanges", current.failedChanges())
			.withDetail("shards", shards(current.shards()));
		if (!current.recentFailedChanges().isEmpty()) {
			builder.withDetail("recentFailedChanges", current.recentFailedChanges());
		}
		List<Map<String, Object>> dead = deadWorkers(current.workers());
		if (!dead.isEmpty()) {
			builder.withDetail("deadWorkers", dead);
		}
		if (current.snapshots() != null) {
			builder.withDetail("snapshots", this.snapshots.details(current.snapshots()));
		}
	}

	/**
	 * The status described by the node's problems, when it is not {@code UP} and there are any: the description then
	 * names the shard, table or server of each.
	 */
	private static Status described(Status status, List<EngineStatus.Problem> problems) {
		if (problems.isEmpty() || Status.UP.equals(status)) {
			return status;
		}
		return new Status(status.getCode(),
				problems.stream().map(EngineStatus.Problem::describe).collect(Collectors.joining("; ")));
	}

	private static Map<String, Object> problem(EngineStatus.Problem problem) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("kind", problem.kind().name());
		details.put("severity", problem.severity().name());
		details.put("subject", problem.subject());
		details.put("reason", problem.reason());
		if (problem.since() != null) {
			details.put("since", problem.since().toString());
		}
		return details;
	}

	/**
	 * The health status for a node state.
	 * @param state the node state
	 * @return the status
	 */
	static Status status(NodeState state) {
		return switch (state) {
			case RUNNING -> Status.UP;
			case PAUSED_MANUALLY -> PAUSED_MANUALLY;
			case PAUSED_SCHEMA_MISMATCH, WAITING_FOR_SNAPSHOT -> PAUSED;
			case RESTORING -> SnapshotHealth.RESTORING;
			case DISCONNECTED -> DEGRADED;
			case DEGRADED -> DEGRADED_PROBLEMS;
			case PUBLISH_FAILED -> PUBLISH_FAILED;
			case STREAM_GAP, WORKER_FAILED, CAPTURE_BROKEN -> Status.DOWN;
			case STOPPED -> Status.OUT_OF_SERVICE;
		};
	}

	private static List<Map<String, Object>> deadWorkers(List<EngineStatus.Worker> workers) {
		return workers.stream()
			.filter((worker) -> worker.state() == EngineStatus.WorkerState.RESTARTING)
			.map((worker) -> {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("worker", worker.name());
				details.put("failure", String.valueOf(worker.failure()));
				details.put("restarts", worker.restarts());
				return details;
			})
			.toList();
	}

	private static List<Map<String, Object>> shards(List<EngineStatus.Shard> shards) {
		return shards.stream().map(HarmonyLiteHealthIndicator::shard).toList();
	}

	private static Map<String, Object> shard(EngineStatus.Shard shard) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("shard", shard.shard());
		details.put("stream", shard.stream());
		if (shard.lag() >= 0) {
			details.put("lag", shard.lag());
		}
		// As the endpoint says it: paused by a schema mismatch or by an operator.
		details.put("paused", shard.paused() || shard.pausedManually());
		if (shard.pausedManually()) {
			details.put("pausedManually", true);
		}
		if (shard.gap() != null) {
			details.put("gap", shard.gap());
		}
		if (shard.deadLettered() > 0) {
			details.put("deadLettered", shard.deadLettered());
		}
		return details;
	}

}
