package io.harmonylite.node.cli;

import java.io.PrintStream;
import java.util.List;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.engine.DeadLetterEntry;
import io.harmonylite.engine.DeadLetterFilter;
import io.harmonylite.engine.ReapplyReport;
import io.harmonylite.engine.DeadLetterOperations;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.schema.SchemaHasher;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --list-dead-letters [table|from-to]} and {@code --reapply-dead-letters [table|from-to]} commands, for a
 * node whose process is stopped (a running node has them on its Actuator endpoint, {@code dead-letters}): they read
 * the dead-letter stream, starting the node's embedded nats-server for the time of the command when it has one, and
 * re-apply through the node's database.
 */
final class DeadLetterCommands {

	/** Exit code of a re-apply after which some dead letters still fail; they stay in the dead-letter stream. */
	static final int STILL_FAILING = 2;

	private DeadLetterCommands() {
	}

	/**
	 * Lists this node's dead letters.
	 * @param config the node's configuration
	 * @param selection a table, a range {@code from-to} of dead-letter sequences, or {@code null} for all
	 * @param out where to print
	 * @return 0
	 */
	static int list(HarmonyLiteConfig config, @Nullable String selection, PrintStream out) {
		List<DeadLetterEntry> letters = operations(config).list(filter(selection));
		out.println("Dead letters of node " + config.nodeId() + " (" + letters.size() + "):");
		letters.forEach((letter) -> out.println("  " + describe(letter)));
		return 0;
	}

	/**
	 * Applies this node's dead letters again.
	 * @param config the node's configuration
	 * @param selection a table, a range {@code from-to} of dead-letter sequences, or {@code null} for all
	 * @param out where to print
	 * @return 0 when none still fails, {@value #STILL_FAILING} otherwise
	 */
	static int reapply(HarmonyLiteConfig config, @Nullable String selection, PrintStream out) {
		ReapplyReport report = operations(config).reapply(filter(selection));
		out.println("Re-applied " + report.reapplied().size() + " dead letter(s) on node " + config.nodeId() + "; "
				+ report.alreadyReapplied().size() + " re-applied before; " + report.stillFailing().size()
				+ " still failing (they stay in the dead-letter stream).");
		report.reapplied().forEach((letter) -> out.println("  re-applied " + describe(letter)));
		report.stillFailing()
			.forEach((failure) -> out.println("  still failing " + describe(failure.letter()) + ": " + failure.reason()));
		return report.stillFailing().isEmpty() ? 0 : STILL_FAILING;
	}

	private static String describe(DeadLetterEntry letter) {
		return "#" + letter.sequence() + " " + letter.stream() + "#" + letter.originSequence() + " "
				+ ((letter.table() != null) ? letter.table() + " (" + letter.changes() + " change(s), schema "
						+ SchemaHasher.shortHash(String.valueOf(letter.schemaHash())) + ")" : "(unreadable)")
				+ (letter.payloadOmitted() ? " [payload read from the shard stream]" : "")
				+ (letter.reapplied() ? " [re-applied]" : "") + " - " + letter.reason();
	}

	private static DeadLetterFilter filter(@Nullable String selection) {
		try {
			return DeadLetterFilter.of(selection);
		}
		catch (IllegalArgumentException ex) {
			throw new HarmonyLiteException(ex.getMessage() + "; give a table or a range such as 10-20", ex);
		}
	}

	private static DeadLetterOperations operations(HarmonyLiteConfig config) {
		// Never started: each operation reaches NATS and the database for its own time only.
		return HarmonyLiteEngine.builder(config).build().deadLetters();
	}

}
