package io.harmonylite.autoconfigure.endpoint;

import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.ShardDescriptor;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /actuator/harmonylite/shards/{shard}} with {@code {"action": "skip"}}: moves the message the shard waits
 * on (a schema hash this node does not accept) to the dead-letter stream, so the shard goes on
 * ({@link HarmonyLiteEngine#skipBlockedMessage(int)}). Look at it first with {@code {"action": "show-blocked"}}.
 *
 * @since 0.1.0
 */
public class SkipBlockedMessageOperation extends ShardOperation {

	/**
	 * Creates the operation on the given engine.
	 * @param engine the engine
	 */
	public SkipBlockedMessageOperation(HarmonyLiteEngine engine) {
		this(engine.config(), engine::status, (shard) -> engine.skipBlockedMessage(shard).isPresent());
	}

	SkipBlockedMessageOperation(HarmonyLiteConfig config, Supplier<EngineStatus> status, IntPredicate skip) {
		super(config, status, skip);
	}

	@Override
	public String action() {
		return "skip";
	}

	@Override
	protected String done(long node, int shard, @Nullable ShardDescriptor after) {
		return "The message shard " + shard + " waited on was moved to the dead-letter stream on node " + node
				+ "; the shard goes on behind it";
	}

	@Override
	protected String unchanged(long node, int shard) {
		return "Shard " + shard + " waits on no message on node " + node + "; nothing was skipped";
	}

	/**
	 * {@code POST /actuator/harmonylite/shards/{shard}} with {@code {"action": "show-blocked"}}: describes the message
	 * the shard waits on (position, table, operation, key, schema hash, why it waits) without changing anything.
	 *
	 * @since 0.1.0
	 */
	public static class Show extends ShardOperation {

		private final Supplier<Map<Integer, BlockedMessage>> blocked;

		/**
		 * Creates the operation on the given engine.
		 * @param engine the engine
		 */
		public Show(HarmonyLiteEngine engine) {
			this(engine.config(), engine::status, engine::blockedMessages);
		}

		Show(HarmonyLiteConfig config, Supplier<EngineStatus> status,
				Supplier<Map<Integer, BlockedMessage>> blocked) {
			super(config, status, (shard) -> false);
			this.blocked = blocked;
		}

		@Override
		public String action() {
			return "show-blocked";
		}

		@Override
		protected String done(long node, int shard, @Nullable ShardDescriptor after) {
			throw new IllegalStateException("Showing changes nothing");
		}

		@Override
		protected String unchanged(long node, int shard) {
			BlockedMessage message = this.blocked.get().get(shard);
			if (message == null) {
				return "Shard " + shard + " waits on no message on node " + node;
			}
			return "Shard " + shard + " of node " + node + " waits since " + message.since() + " on message "
					+ message.sequence() + " of stream " + message.stream() + ": " + message.operation() + " on table '"
					+ message.table() + "', key " + message.key() + (message.changes() > 1
							? " (and " + (message.changes() - 1) + " more change(s))" : "")
					+ ", schema hash " + message.schemaHash() + ". Why: " + message.reason()
					+ ". To move it to the dead-letter stream: {\"action\": \"skip\"}";
		}

	}

}
