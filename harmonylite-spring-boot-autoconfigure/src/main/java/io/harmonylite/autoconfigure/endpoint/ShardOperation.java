package io.harmonylite.autoconfigure.endpoint;

import java.util.function.IntPredicate;
import java.util.function.Supplier;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.ShardDescriptor;
import io.harmonylite.autoconfigure.endpoint.OperationResult.Outcome;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteConfig;
import org.jspecify.annotations.Nullable;

/**
 * An operation on one shard, {@code POST /actuator/harmonylite/shards/{shard}}: checks that the shard exists and that
 * the node is started and replicates, runs the action, and answers with the shard's state afterwards. Subclasses give
 * the action and its messages.
 *
 * @since 0.1.0
 */
public abstract class ShardOperation implements HarmonyLiteOperation {

	/** The target of the shard operations. */
	public static final String SHARDS = "shards";

	private final HarmonyLiteConfig config;

	private final Supplier<EngineStatus> status;

	private final IntPredicate action;

	/**
	 * Creates the operation.
	 * @param config the node's configuration, for its id, shard count and switches
	 * @param status reads the node's status
	 * @param action runs the action on a checked shard; {@code true} when it changed something
	 */
	protected ShardOperation(HarmonyLiteConfig config, Supplier<EngineStatus> status, IntPredicate action) {
		this.config = config;
		this.status = status;
		this.action = action;
	}

	@Override
	public final String target() {
		return SHARDS;
	}

	@Override
	public final OperationResult run(@Nullable String id) {
		long node = this.config.nodeId();
		int shards = this.config.replication().shards();
		if (id == null) {
			return OperationResult.refused(this, null, Outcome.BAD_REQUEST, "Name the shard: POST /actuator/harmonylite/"
					+ SHARDS + "/{shard} with {\"action\": \"" + action() + "\"}; node " + node + " has shards 0 to "
					+ (shards - 1));
		}
		Integer shard = parse(id, shards);
		if (shard == null) {
			return OperationResult.refused(this, id, Outcome.NOT_FOUND, "Node " + node + " has no shard '" + id
					+ "': harmonylite.replication.shards is " + shards + ", so shards are numbered 0 to " + (shards - 1));
		}
		if (!this.config.replicate()) {
			return OperationResult.refused(this, id, Outcome.CONFLICT, "Node " + node + " applies no changes from the "
					+ "cluster (harmonylite.replicate=false), so there is no shard to " + action());
		}
		if (!this.status.get().running()) {
			return OperationResult.refused(this, id, Outcome.CONFLICT, "Node " + node + " is not started, so it cannot "
					+ action() + " shard " + shard + "; start the application's HarmonyLite engine first");
		}
		boolean changed;
		try {
			changed = this.action.test(shard);
		}
		catch (HarmonyLiteException ex) {
			return OperationResult.refused(this, id, Outcome.CONFLICT, String.valueOf(ex.getMessage()));
		}
		ShardDescriptor after = describe(shard);
		return changed ? OperationResult.done(this, id, done(node, shard, after), after)
				: OperationResult.unchanged(this, id, unchanged(node, shard), after);
	}

	/**
	 * Says what the action did.
	 * @param node the node's id
	 * @param shard the shard
	 * @param after the shard's state afterwards, {@code null} when unknown
	 * @return the message
	 */
	protected abstract String done(long node, int shard, @Nullable ShardDescriptor after);

	/**
	 * Says why the action had nothing to do.
	 * @param node the node's id
	 * @param shard the shard
	 * @return the message
	 */
	protected abstract String unchanged(long node, int shard);

	private @Nullable ShardDescriptor describe(int shard) {
		return this.status.get()
			.shards()
			.stream()
			.filter((each) -> each.shard() == shard)
			.findFirst()
			.map(ShardDescriptor::of)
			.orElse(null);
	}

	private static @Nullable Integer parse(String id, int shards) {
		try {
			int shard = Integer.parseInt(id);
			return (shard >= 0 && shard < shards) ? shard : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
