package io.harmonylite.autoconfigure.endpoint;

import java.util.function.IntPredicate;
import java.util.function.Supplier;

import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.ShardDescriptor;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /actuator/harmonylite/shards/{shard}} with {@code {"action": "pause"}}: stops applying the shard's
 * changes on this node until it is resumed, also across restarts ({@link HarmonyLiteEngine#pauseShard(int)}).
 *
 * @since 0.1.0
 */
public class PauseShardOperation extends ShardOperation {

	/**
	 * Creates the operation on the given engine.
	 * @param engine the engine
	 */
	public PauseShardOperation(HarmonyLiteEngine engine) {
		this(engine.config(), engine::status, engine::pauseShard);
	}

	PauseShardOperation(HarmonyLiteConfig config, Supplier<EngineStatus> status, IntPredicate pause) {
		super(config, status, pause);
	}

	@Override
	public String action() {
		return "pause";
	}

	@Override
	protected String done(long node, int shard, @Nullable ShardDescriptor after) {
		return "Shard " + shard + " is paused on node " + node + ": its changes are not applied here, also after a "
				+ "restart, until you resume it with {\"action\": \"resume\"}";
	}

	@Override
	protected String unchanged(long node, int shard) {
		return "Shard " + shard + " was already paused by an operator on node " + node;
	}

}
