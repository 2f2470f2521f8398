package io.harmonylite.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.apply.StreamGap;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaVersion;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles an {@link EngineStatus} from the parts of a running node it is given, and decides the node's state.
 */
final class StatusReport {

	private static final Logger logger = LoggerFactory.getLogger(StatusReport.class);

	private final HarmonyLiteConfig config;

	private final ConnectionState connection;

	private final CaptureState capture;

	private final SchemaMonitor schema;

	private final SchemaGate gate;

	private final List<ShardSource> sources;

	private final @Nullable ShardSupervisor supervisor;

	private final Workers workers;

	private final EngineCounters counters;

	/**
	 * Creates the report of one running node.
	 * @param config the node's configuration
	 * @param connection the NATS connection
	 * @param capture the change log and triggers
	 * @param schema the schema monitor
	 * @param gate the schema gate, for the paused shards
	 * @param sources the shard sources, for the streams' last sequences
	 * @param supervisor the shard supervisor, for positions and gaps; {@code null} when the node does not replicate
	 * @param workers the workers
	 * @param counters the engine's counters, with the node's attached
	 */
	StatusReport(HarmonyLiteConfig config, ConnectionState connection, CaptureState capture, SchemaMonitor schema,
			SchemaGate gate, List<ShardSource> sources, @Nullable ShardSupervisor supervisor, Workers workers,
			EngineCounters counters) {
		this.config = config;
		this.connection = connection;
		this.capture = capture;
		this.schema = schema;
		this.gate = gate;
		this.sources = List.copyOf(sources);
		this.supervisor = supervisor;
		this.workers = workers;
		this.counters = counters;
	}

	/**
	 * The status of an engine that is not started.
	 * @param config the engine's configuration
	 * @param counters the engine's counters
	 * @return the status
	 */
	static EngineStatus stopped(HarmonyLiteConfig config, EngineCounters counters) {
		EngineStatus.Counters counts = counters.totals();
		return new EngineStatus(config.nodeId(), HarmonyLiteVersion.current(), NodeState.STOPPED, config.publish(),
				config.replicate(), new EngineStatus.Nats(config.nats().isEmbedded(), config.nats().urls(), false,
						counts.natsReconnects()),
				List.of(), 0, 0, List.of(), null, List.of(), counts);
	}

	EngineStatus build() {
		boolean connected = this.connection.connected();
		List<EngineStatus.Shard> shards = shards(connected);
		EngineStatus.Counters counts = this.counters.totals();
		SchemaVersion version = this.schema.version();
		List<String> watched = this.schema.watchedTables();
		EngineStatus.Schema schemaStatus = new EngineStatus.Schema(version.hash(), version.previousHash(),
				version.updatedAt(), counts.schemaPauses(), counts.schemaResumes());
		boolean captureIntact = this.capture.triggerCount() >= 3 * watched.size();
		NodeState state = state(captureIntact, this.workers.anyDead(), connected, shards);
		return new EngineStatus(this.config.nodeId(), HarmonyLiteVersion.current(), state, this.config.publish(),
				this.config.replicate(),
				nats(connected, counts.natsReconnects()),
				shards, this.capture.pendingChanges(), this.capture.failedChanges(), watched, schemaStatus,
				this.workers.status(), counts);
	}

	/**
	 * The worst that applies, in the documented order.
	 */
	static NodeState state(boolean captureIntact, boolean workerDead, boolean connected,
			List<EngineStatus.Shard> shards) {
		if (!captureIntact) {
			return NodeState.CAPTURE_BROKEN;
		}
		if (workerDead) {
			return NodeState.WORKER_FAILED;
		}
		if (shards.stream().anyMatch((shard) -> shard.gap() != null)) {
			return NodeState.STREAM_GAP;
		}
		if (!connected) {
			return NodeState.DISCONNECTED;
		}
		if (shards.stream().anyMatch(EngineStatus.Shard::paused)) {
			return NodeState.PAUSED_SCHEMA_MISMATCH;
		}
		return NodeState.RUNNING;
	}

	private List<EngineStatus.Shard> shards(boolean connected) {
		Map<Integer, SchemaGate.Pause> paused = this.gate.pausedShards();
		List<EngineStatus.Shard> shards = new ArrayList<>();
		for (ShardSource source : this.sources) {
			int shard = source.shard();
			long applied = (this.supervisor != null) ? this.supervisor.applied(source.stream()) : 0;
			long last = connected ? lastSequence(source) : -1;
			SchemaGate.Pause pause = paused.get(shard);
			StreamGap gap = (this.supervisor != null) ? this.supervisor.gap(shard) : null;
			shards.add(new EngineStatus.Shard(shard, source.stream(), applied, last,
					(last >= 0 && this.supervisor != null) ? Math.max(0, last - applied) : -1, pause != null,
					(pause != null) ? pause.remoteHash() : null, (pause != null) ? pause.since() : null,
					(gap != null) ? gap.describe() : null, this.counters.deadLetters(shard)));
		}
		return shards;
	}

	private long lastSequence(ShardSource source) {
		try {
			return source.state().lastSequence();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the state of shard {}: {}", source.shard(), ex.getMessage());
			return -1;
		}
	}

	private EngineStatus.Nats nats(boolean connected, long reconnects) {
		ConnectionState.Server server = this.connection.server();
		return new EngineStatus.Nats(this.config.nats().isEmbedded(), servers(), connected, reconnects,
				server.embeddedServer(), server.version(), server.sync(), server.replicas(), server.durableAcks(),
				server.durabilityWarning());
	}

	private List<String> servers() {
		String url = this.connection.connectedUrl();
		return (url != null) ? List.of(url) : this.config.nats().urls();
	}

}
