package io.harmonylite.autoconfigure.endpoint;

import java.util.function.IntPredicate;
import java.util.function.Supplier;

import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.ShardDescriptor;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /actuator/harmonylite/shards/{shard}} with {@code {"action": "resume"}}: resumes a shard paused by an
 * operator from the last change applied here ({@link HarmonyLiteEngine#resumeShard(int)}). A shard paused by a schema
 * mismatch stays paused until the schemas match.
 *
 * @since 0.1.0
 */
public class ResumeShardOperation extends ShardOperation {

	/**
	 * Creates the operation on the given engine.
	 * @param engine the engine
	 */
	public ResumeShardOperation(HarmonyLiteEngine engine) {
		this(engine.config(), engine::status, engine::resumeShard);
	}

	ResumeShardOperation(HarmonyLiteConfig config, Supplier<EngineStatus> status, IntPredicate resume) {
		super(config, status, resume);
	}

	@Override
	public String action() {
		return "resume";
	}

	@Override
	protected String done(long node, int shard, @Nullable ShardDescriptor after) {
		return "Shard " + shard + " resumed on node " + node
				+ ((after != null) ? " from sequence " + (after.appliedSequence() + 1) : "")
				+ ((after != null && after.paused()) ? "; it is still held back by a schema mismatch: "
						+ after.pausedReason() : "");
	}

	@Override
	protected String unchanged(long node, int shard) {
		return "Shard " + shard + " is not paused by an operator on node " + node + "; nothing to resume";
	}

}
