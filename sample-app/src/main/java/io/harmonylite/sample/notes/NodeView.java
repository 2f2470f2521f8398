package io.harmonylite.sample.notes;

import java.util.List;

import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.schema.SchemaHasher;
import org.jspecify.annotations.Nullable;

/**
 * What the notes page shows about the node serving it, taken from {@link EngineStatus}.
 *
 * @param nodeId the node's id
 * @param version the HarmonyLite version
 * @param state the node's state, such as {@code RUNNING} or {@code PAUSED_SCHEMA_MISMATCH}
 * @param natsConnected whether the node is connected to NATS
 * @param pendingChanges local changes not yet acknowledged by JetStream
 * @param schemaHash the first characters of the local schema hash
 * @param shards the replication lag of each shard
 * @since 0.1.0
 */
public record NodeView(long nodeId, String version, String state, boolean natsConnected, long pendingChanges,
		@Nullable String schemaHash, List<ShardView> shards) {

	/**
	 * One shard as the serving node sees it.
	 *
	 * @param shard the shard number
	 * @param appliedSequence the last stream sequence applied on this node
	 * @param lag messages of the stream not yet applied here, -1 when unknown
	 * @param paused whether the shard is paused by a schema mismatch
	 * @param pausedManually whether an operator paused the shard
	 * @since 0.1.0
	 */
	public record ShardView(int shard, long appliedSequence, long lag, boolean paused, boolean pausedManually) {
	}

	static NodeView disabled(long nodeId) {
		return new NodeView(nodeId, HarmonyLiteVersion.current(), "DISABLED", false, 0, null, List.of());
	}

	static NodeView of(EngineStatus status) {
		EngineStatus.Schema schema = status.schema();
		return new NodeView(status.nodeId(), status.version(), status.state().name(), status.nats().connected(),
				status.pendingChanges(), (schema != null) ? SchemaHasher.shortHash(schema.hash()) : null,
				status.shards()
					.stream()
					.map((shard) -> new ShardView(shard.shard(), shard.appliedSequence(), shard.lag(), shard.paused(),
							shard.pausedManually()))
					.toList());
	}

}
