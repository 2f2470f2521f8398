package io.harmonylite.engine;

import java.util.List;

/**
 * One part of a running node that can tell what is wrong with it now, for the status: {@link StatusReport} gathers the
 * problems of every source it is given, and a new kind of problem plugs in as another source. A source answers from
 * what it already knows (fields, the local database) and never waits on NATS.
 */
@FunctionalInterface
interface ProblemSource {

	/**
	 * What is wrong now.
	 * @return the problems, empty when none
	 */
	List<EngineStatus.Problem> problems();

}
