package io.harmonylite.engine;

import java.util.List;


/**
 * The dead-letter operations an operator asks for (Actuator, command line): list this node's dead letters, and apply
 * them again once their cause is fixed. On a started node they run through its applier, between two batches; on a
 * stopped one they open the database and NATS for the call only.
 *
 * @since 0.1.0
 */
public interface DeadLetterOperations {

	/**
	 * This node's dead letters.
	 * @param filter which ones
	 * @return the letters, oldest first, each saying whether it was re-applied here
	 * @throws io.harmonylite.HarmonyLiteException if the dead-letter stream cannot be read
	 */
	List<DeadLetterEntry> list(DeadLetterFilter filter);

	/**
	 * Applies this node's dead letters again, merged by the conflict rule; each letter at most once on this node.
	 * @param filter which ones
	 * @return what was re-applied, what had been before, and what still fails (it stays a dead letter)
	 * @throws io.harmonylite.HarmonyLiteException if the dead-letter stream cannot be read
	 */
	ReapplyReport reapply(DeadLetterFilter filter);

}
