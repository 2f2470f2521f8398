package io.harmonylite.autoconfigure.endpoint;

import java.util.List;
import java.util.function.Function;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.engine.DeadLetterEntry;
import io.harmonylite.engine.DeadLetterFilter;
import io.harmonylite.engine.ReapplyReport;
import io.harmonylite.autoconfigure.endpoint.OperationResult.Outcome;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /actuator/harmonylite/dead-letters} with {@code {"action": "reapply"}}: applies this node's dead letters
 * again once their cause is fixed, through the conflict rule and each at most once on this node
 * ({@link HarmonyLiteEngine#deadLetters()}); {@code /dead-letters/Books} re-applies only those of table {@code Books},
 * {@code /dead-letters/10-20} only dead-letter sequences 10 to 20. The answer lists what was re-applied and what still
 * fails (it stays a dead letter). List them first with {@code {"action": "list"}}.
 *
 * @since 0.1.0
 */
public class ReapplyDeadLettersOperation implements HarmonyLiteOperation {

	/** The target of the dead-letter operations. */
	public static final String DEAD_LETTERS = "dead-letters";

	private final Function<DeadLetterFilter, ReapplyReport> reapply;

	/**
	 * Creates the operation on the given engine.
	 * @param engine the engine
	 */
	public ReapplyDeadLettersOperation(HarmonyLiteEngine engine) {
		this((filter) -> engine.deadLetters().reapply(filter));
	}

	ReapplyDeadLettersOperation(Function<DeadLetterFilter, ReapplyReport> reapply) {
		this.reapply = reapply;
	}

	@Override
	public String target() {
		return DEAD_LETTERS;
	}

	@Override
	public String action() {
		return "reapply";
	}

	@Override
	public OperationResult run(@Nullable String id) {
		ReapplyReport report;
		try {
			report = this.reapply.apply(filter(id));
		}
		catch (IllegalArgumentException ex) {
			return OperationResult.refused(this, id, Outcome.BAD_REQUEST, String.valueOf(ex.getMessage()));
		}
		catch (HarmonyLiteException ex) {
			return OperationResult.refused(this, id, Outcome.CONFLICT, String.valueOf(ex.getMessage()));
		}
		String message = report.reapplied().size() + " dead letter(s) re-applied, "
				+ report.alreadyReapplied().size() + " re-applied before, " + report.stillFailing().size()
				+ " still failing (they stay in the dead-letter stream)";
		return report.reapplied().isEmpty() ? OperationResult.unchanged(this, id, message, report)
				: OperationResult.done(this, id, message, report);
	}

	static DeadLetterFilter filter(@Nullable String id) {
		return DeadLetterFilter.of(id);
	}

	/**
	 * {@code POST /actuator/harmonylite/dead-letters} with {@code {"action": "list"}}, or {@code GET} of the same path
	 * (also with read-only access): this node's dead letters (same filters as {@code reapply}), each with its origin,
	 * reason, table and whether it was re-applied here.
	 *
	 * @since 0.1.0
	 */
	public static class Listing implements HarmonyLiteOperation {

		/** The action's name; {@code GET /actuator/harmonylite/dead-letters} runs it too. */
		public static final String ACTION = "list";

		private final Function<DeadLetterFilter, List<DeadLetterEntry>> list;

		/**
		 * Creates the operation on the given engine.
		 * @param engine the engine
		 */
		public Listing(HarmonyLiteEngine engine) {
			this((filter) -> engine.deadLetters().list(filter));
		}

		Listing(Function<DeadLetterFilter, List<DeadLetterEntry>> list) {
			this.list = list;
		}

		@Override
		public String target() {
			return DEAD_LETTERS;
		}

		@Override
		public String action() {
			return ACTION;
		}

		@Override
		public OperationResult run(@Nullable String id) {
			try {
				List<DeadLetterEntry> letters = this.list.apply(filter(id));
				return OperationResult.done(this, id, letters.size() + " dead letter(s) of this node", letters);
			}
			catch (IllegalArgumentException ex) {
				return OperationResult.refused(this, id, Outcome.BAD_REQUEST, String.valueOf(ex.getMessage()));
			}
			catch (HarmonyLiteException ex) {
				return OperationResult.refused(this, id, Outcome.CONFLICT, String.valueOf(ex.getMessage()));
			}
		}

	}

}
