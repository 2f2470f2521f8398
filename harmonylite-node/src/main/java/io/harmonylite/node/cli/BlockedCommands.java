package io.harmonylite.node.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.ShardHead;
import io.harmonylite.event.ChunkHeader;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --show-blocked [shard]} and {@code --skip-blocked <shard> [--force]} commands, for a node whose process
 * is stopped (a running node has them on its Actuator endpoint, {@code shards/{shard}}): they read the next message
 * of each shard after the position stored in the database, starting the node's embedded nats-server for the time of
 * the command when it has one.
 */
final class BlockedCommands {

	/** Exit code when a shard's next message would not apply ({@code --show-blocked}), or a skip was refused. */
	static final int BLOCKED_OR_REFUSED = 2;

	/** The option that skips a message even when it would apply. */
	static final String FORCE = "--force";

	private BlockedCommands() {
	}

	/**
	 * Prints the next message of each shard, or of one.
	 * @param config the node's configuration
	 * @param shard the shard, or {@code null} for all
	 * @param out where to print
	 * @return 0 when every next message would apply (or none waits), {@value #BLOCKED_OR_REFUSED} otherwise
	 */
	static int show(HarmonyLiteConfig config, @Nullable String shard, PrintStream out) {
		List<ShardHead> heads;
		try {
			heads = engine(config).shardHeads((shard != null) ? shardNumber(shard) : null);
		}
		catch (IllegalArgumentException ex) {
			throw new HarmonyLiteException(ex.getMessage(), ex);
		}
		List<ShardHead> blocked = heads.stream().filter((head) -> !head.applies()).toList();
		out.println("Node " + config.nodeId() + ": " + blocked.size() + " of " + heads.size()
				+ " shard(s) wait on a message that would not apply.");
		heads.forEach((head) -> print(head, out));
		return blocked.isEmpty() ? 0 : BLOCKED_OR_REFUSED;
	}

	/**
	 * Skips a shard's next message to the dead letter.
	 * @param config the node's configuration
	 * @param shard the shard
	 * @param force also when the message would apply
	 * @param out where to print
	 * @return 0 when skipped, {@value #BLOCKED_OR_REFUSED} when refused
	 */
	static int skip(HarmonyLiteConfig config, @Nullable String shard, boolean force, PrintStream out) {
		if (shard == null) {
			throw new HarmonyLiteException("name the shard whose message to skip, e.g. --skip-blocked 0; "
					+ "--show-blocked lists them");
		}
		ShardHead.Skip skip;
		try {
			skip = engine(config).skipShardHead(shardNumber(shard), force);
		}
		catch (IllegalArgumentException ex) {
			throw new HarmonyLiteException(ex.getMessage(), ex);
		}
		if (skip.refused() != null) {
			out.println("Not skipped: " + skip.refused()
					+ (skip.head().applies() && skip.head().table() != null ? " (" + FORCE + ")" : "") + ".");
			print(skip.head(), out);
			return BLOCKED_OR_REFUSED;
		}
		out.println("Skipped message " + skip.head().nextSequence() + " of " + skip.head().stream()
				+ " to the dead letter; shard " + skip.head().shard() + " goes on at sequence "
				+ (skip.head().nextSequence() + 1) + " when the node starts. Re-apply it with --reapply-dead-letters "
				+ "once its cause is fixed.");
		print(skip.head(), out);
		return 0;
	}

	private static void print(ShardHead head, PrintStream out) {
		out.println("  shard " + head.shard() + " " + head.stream() + "#" + head.nextSequence() + " (applied up to "
				+ head.position() + "): " + describe(head));
		out.println("    " + (head.applies() ? "applies: " : "blocked: ") + head.verdict());
	}

	private static String describe(ShardHead head) {
		ChunkHeader chunk = head.chunk();
		if (head.table() != null) {
			String key = head.key()
				.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + "=" + entry.getValue())
				.collect(Collectors.joining(", ", "{", "}"));
			return head.operation() + " " + head.table() + " " + key + ", " + head.changes()
					+ " change(s), schema hash " + head.schemaHash();
		}
		if (chunk != null) {
			return "chunk " + chunk.index() + "/" + chunk.count() + " of change " + chunk.changeKey() + " (offset "
					+ chunk.offset() + " of " + chunk.totalBytes() + " bytes, previous chunk at "
					+ chunk.previousSequence() + ")";
		}
		return "no message";
	}

	private static int shardNumber(String shard) {
		try {
			return Integer.parseInt(shard.trim());
		}
		catch (NumberFormatException ex) {
			throw new HarmonyLiteException("'" + shard + "' is not a shard number; shards are numbered from 0", ex);
		}
	}

	private static HarmonyLiteEngine engine(HarmonyLiteConfig config) {
		// Never started: each call reaches NATS and the database for its own time only.
		return HarmonyLiteEngine.builder(config).build();
	}

}
