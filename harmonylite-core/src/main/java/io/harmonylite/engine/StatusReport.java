package io.harmonylite.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.nats.NatsNode;
import io.harmonylite.nats.ShardSubscriber;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaVersion;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles an {@link EngineStatus} from the parts of a running node.
 */
final class StatusReport {

	private static final Logger logger = LoggerFactory.getLogger(StatusReport.class);

	private final HarmonyLiteConfig config;

	private final HarmonyLiteEngine.Runtime runtime;

	StatusReport(HarmonyLiteConfig config, HarmonyLiteEngine.Runtime runtime) {
		this.config = config;
		this.runtime = runtime;
	}

	EngineStatus build() {
		NatsNode nats = this.runtime.nats;
		boolean connected = nats.isConnected();
		List<EngineStatus.Shard> shards = shards(connected);
		SchemaGate gate = this.runtime.gate;
		SchemaVersion version = this.runtime.schema.version();
		EngineStatus.Schema schema = new EngineStatus.Schema(version.hash(), version.previousHash(),
				version.updatedAt(), gate.pauseCount(), gate.resumeCount());
		boolean captureIntact = this.runtime.statusCapture.triggerCount() >= 3 * this.runtime.schema.watchedTables().size();
		NodeState state = state(captureIntact, connected, shards);
		return new EngineStatus(this.config.nodeId(), HarmonyLiteVersion.current(), state, this.config.publish(),
				this.config.replicate(),
				new EngineStatus.Nats(this.config.nats().isEmbedded(), servers(nats), connected, nats.reconnects()),
				shards, this.runtime.statusReader.pendingCount(), this.runtime.statusReader.failedCount(),
				this.runtime.schema.watchedTables(), schema, conflicts());
	}

	private EngineStatus.Conflicts conflicts() {
		ConflictStats stats = this.runtime.conflictStats;
		return new EngineStatus.Conflicts(stats.superseded(), stats.aheadOfClock(), stats.clampedLocalVersions());
	}

	private static NodeState state(boolean captureIntact, boolean connected, List<EngineStatus.Shard> shards) {
		if (!captureIntact) {
			return NodeState.CAPTURE_BROKEN;
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
		ReplicationConfig replication = this.config.replication();
		ApplyLoop loop = this.runtime.applyLoop;
		ShardSupervisor supervisor = this.runtime.supervisor;
		Map<Integer, SchemaGate.Pause> paused = this.runtime.gate.pausedShards();
		List<ShardSubscriber> subscribers = (supervisor != null) ? supervisor.subscribers() : List.of();
		List<EngineStatus.Shard> shards = new ArrayList<>();
		for (int shard = 0; shard < replication.shards(); shard++) {
			String stream = replication.streamName(shard);
			long applied = (loop != null) ? loop.appliedSequence(stream) : 0;
			long last = connected ? lastSequence(shard) : -1;
			SchemaGate.Pause pause = paused.get(shard);
			ShardSubscriber.StreamGap gap = (shard < subscribers.size()) ? subscribers.get(shard).gap() : null;
			shards.add(new EngineStatus.Shard(shard, stream, applied, last,
					(last >= 0 && loop != null) ? Math.max(0, last - applied) : -1, pause != null,
					(pause != null) ? pause.remoteHash() : null, (pause != null) ? pause.since() : null,
					(gap != null) ? gap.describe() : null, (loop != null) ? loop.deadLettered(shard) : 0));
		}
		return shards;
	}

	private long lastSequence(int shard) {
		try {
			return this.runtime.nats.lastSequence(shard);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the state of shard {}: {}", shard, ex.getMessage());
			return -1;
		}
	}

	private List<String> servers(NatsNode nats) {
		@Nullable String url = nats.connectedUrl();
		if (url != null) {
			return List.of(url);
		}
		return this.config.nats().urls();
	}

}
