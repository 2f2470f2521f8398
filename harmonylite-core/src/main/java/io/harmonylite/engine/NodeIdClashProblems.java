package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;

/**
 * Reports another node running with this node's id, as the applier detects it (a change of this id from another
 * database, committed after this node started) or the other node writes this id's key ({@code NodePresence}): a
 * {@code DOWN} problem until no such sign was seen for {@link #REMEMBERED}.
 */
final class NodeIdClashProblems implements ProblemSource {

	/** How long a clash is reported after the last sign of it. */
	static final Duration REMEMBERED = Duration.ofMinutes(10);

	private final ConflictStats stats;

	private final Clock clock;

	NodeIdClashProblems(ConflictStats stats, Clock clock) {
		this.stats = stats;
		this.clock = clock;
	}

	@Override
	public List<Problem> problems() {
		ConflictStats.NodeIdClash clash = this.stats.nodeIdClash();
		if (clash == null || clash.seenAt().plus(REMEMBERED).isBefore(this.clock.instant())) {
			return List.of();
		}
		return List.of(new Problem(ProblemKind.DUPLICATE_NODE_ID, Severity.DOWN, "node id " + clash.nodeId(),
				"another node runs with harmonylite.node-id=" + clash.nodeId() + " (" + clash.other()
						+ "): give every node its own id and restart the one that is wrong; "
						+ "two nodes with one id tie on versions and take each other's changes for their own",
				clash.seenAt()));
	}

}
