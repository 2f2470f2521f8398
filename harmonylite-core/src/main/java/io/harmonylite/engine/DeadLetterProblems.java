package io.harmonylite.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.harmonylite.apply.DeadLetteredChanges;
import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;

/**
 * The changes from other nodes that this node dead-lettered and lacks ({@link DeadLetteredChanges}), one
 * {@link ProblemKind#CHANGES_DEAD_LETTERED} problem per table, until they are re-applied or the loss is accepted: the
 * other nodes may hold rows this one does not, which its health must not hide. Read from the database, so a restart
 * does not clear them.
 */
final class DeadLetterProblems implements ProblemSource {

	private final Supplier<Map<String, DeadLetteredChanges.Lacking>> lacking;

	/**
	 * Creates the source.
	 * @param lacking reads the dead letters this node lacks, by table
	 */
	DeadLetterProblems(Supplier<Map<String, DeadLetteredChanges.Lacking>> lacking) {
		this.lacking = lacking;
	}

	@Override
	public List<Problem> problems() {
		List<Problem> problems = new ArrayList<>();
		this.lacking.get().forEach((table, lacked) -> problems.add(new Problem(ProblemKind.CHANGES_DEAD_LETTERED,
				Severity.DEGRADED, "table " + table,
				lacked.changes() + " change(s) from other nodes in " + lacked.letters() + " dead letter(s) could not be "
						+ "applied here, the first because " + lacked.firstReason() + "; this node lacks them while "
						+ "other nodes may hold them. Fix the cause, then re-apply them (POST "
						+ "/actuator/harmonylite/dead-letters/" + table + " {\"action\": \"reapply\"}, or "
						+ "--reapply-dead-letters " + table + " on the stopped node); to accept the loss instead, DELETE FROM " + DeadLetteredChanges.TABLE
						+ " WHERE tbl = '" + table.replace("'", "''") + "'",
				lacked.since())));
		return problems;
	}

}
