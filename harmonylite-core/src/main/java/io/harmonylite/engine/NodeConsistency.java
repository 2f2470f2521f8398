package io.harmonylite.engine;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.harmonylite.apply.DeadLetteredChanges;
import io.harmonylite.apply.StreamGap;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.snapshot.ConsistencyCheck;
import org.jspecify.annotations.Nullable;

/**
 * Whether a running node may take a snapshot: it applies the cluster's changes, no restore is in progress, no stream
 * has a gap, no shard is paused by a schema mismatch, and it lacks no change it dead-lettered (its copy would miss
 * them while saying it holds everything up to its positions, and a node restoring it would lose them silently).
 */
final class NodeConsistency implements ConsistencyCheck {

	private final @Nullable ShardSupervisor supervisor;

	private final SchemaGate gate;

	private final SnapshotActivity activity;

	private final Supplier<Map<String, DeadLetteredChanges.Lacking>> lacking;

	/**
	 * Creates the check.
	 * @param supervisor the shard supervisor, {@code null} when the node does not apply the cluster's changes
	 * @param gate the schema gate, for the paused shards
	 * @param activity tells whether a restore is in progress
	 * @param lacking reads the dead letters this node lacks, by table
	 */
	NodeConsistency(@Nullable ShardSupervisor supervisor, SchemaGate gate, SnapshotActivity activity,
			Supplier<Map<String, DeadLetteredChanges.Lacking>> lacking) {
		this.supervisor = supervisor;
		this.gate = gate;
		this.activity = activity;
		this.lacking = lacking;
	}

	@Override
	public Optional<String> blocker() {
		if (this.supervisor == null) {
			return Optional.of("it does not apply the cluster's changes (harmonylite.replicate=false), so its copy "
					+ "would miss them");
		}
		if (this.activity.isRestoring()) {
			return Optional.of("a snapshot is being restored into it");
		}
		Map<Integer, StreamGap> gaps = this.supervisor.gaps();
		if (!gaps.isEmpty()) {
			return Optional.of("stream " + gaps.values().iterator().next().stream() + " has a gap");
		}
		Map<Integer, SchemaGate.Pause> paused = this.gate.pausedShards();
		if (!paused.isEmpty()) {
			return Optional.of("shard " + paused.keySet().iterator().next() + " is paused (schema mismatch)");
		}
		Map<String, DeadLetteredChanges.Lacking> lacked = this.lacking.get();
		if (!lacked.isEmpty()) {
			return Optional.of(DeadLetteredChanges.describe(lacked));
		}
		return Optional.empty();
	}

}
