package io.harmonylite.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.NodeState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the HarmonyLite node, from {@link HarmonyLiteEngine#status()}: {@code UP} while running,
 * {@link #PAUSED} while a schema mismatch holds replication back, {@link #DEGRADED} while NATS is unreachable,
 * {@code DOWN} when capture is broken, a worker thread died (until it is restarted), a stream dropped changes this
 * node still needs, or the node's embedded nats-server died and is being restarted, and {@code OUT_OF_SERVICE} while
 * the engine is stopped.
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

	/** NATS is unreachable; local changes are captured and sent after the reconnect. */
	public static final Status DEGRADED = new Status("DEGRADED",
			"NATS is unreachable; local writes are captured and sent after the reconnect");

	/** The embedded nats-server's state while it is being restarted. */
	private static final String EMBEDDED_SERVER_DOWN = "DOWN";

	private final Supplier<EngineStatus> status;

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
		builder.status(EMBEDDED_SERVER_DOWN.equals(embeddedServer) ? Status.DOWN : status(current.state()))
			.withDetail("nodeId", current.nodeId())
			.withDetail("state", current.state().name())
			.withDetail("natsConnected", current.nats().connected());
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
		List<Map<String, Object>> dead = deadWorkers(current.workers());
		if (!dead.isEmpty()) {
			builder.withDetail("deadWorkers", dead);
		}
	}

	/**
	 * The health status for a node state.
	 * @param state the node state
	 * @return the status
	 */
	static Status status(NodeState state) {
		return switch (state) {
			case RUNNING -> Status.UP;
			case PAUSED_SCHEMA_MISMATCH -> PAUSED;
			case DISCONNECTED -> DEGRADED;
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
		details.put("paused", shard.paused());
		if (shard.gap() != null) {
			details.put("gap", shard.gap());
		}
		if (shard.deadLettered() > 0) {
			details.put("deadLettered", shard.deadLettered());
		}
		return details;
	}

}
