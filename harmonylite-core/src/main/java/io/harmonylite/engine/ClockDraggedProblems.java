package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;
import org.jspecify.annotations.Nullable;

/**
 * Reports, until the time catches up, that this node applied a version more than the maximum clock skew ahead of its
 * clock: every node that applied it gives versions that far ahead of the time, so for that long concurrent writes are
 * ordered by the version's counter and node id rather than by when they were made. A {@code DEGRADED} problem, since
 * replication goes on and converges; a WARN says it when the change is applied.
 */
final class ClockDraggedProblems implements ProblemSource {

	private final Supplier<ConflictStats.@Nullable AheadApplied> furthestAheadApplied;

	private final Clock clock;

	private final Duration maxClockSkew;

	/**
	 * Creates the source.
	 * @param furthestAheadApplied the version furthest ahead this node applied (the applier's
	 * {@link ConflictStats#furthestAheadApplied})
	 * @param clock this node's clock
	 * @param maxClockSkew how far ahead a version may be without being reported
	 */
	ClockDraggedProblems(Supplier<ConflictStats.@Nullable AheadApplied> furthestAheadApplied, Clock clock,
			Duration maxClockSkew) {
		this.furthestAheadApplied = furthestAheadApplied;
		this.clock = clock;
		this.maxClockSkew = maxClockSkew;
	}

	@Override
	public List<Problem> problems() {
		ConflictStats.AheadApplied applied = this.furthestAheadApplied.get();
		Instant now = this.clock.instant();
		if (applied == null || !applied.versionTime().minus(this.maxClockSkew).isAfter(now)) {
			return List.of();
		}
		Duration ahead = Duration.between(applied.appliedAt(), applied.versionTime());
		return List.of(new Problem(ProblemKind.CLOCK_AHEAD, Severity.DEGRADED, "clock",
				"applied changes of node(s) " + applied.origins() + " whose versions were " + ahead.toSeconds()
						+ " s ahead of this node's clock, more than harmonylite.replication.max-clock-skew ("
						+ this.maxClockSkew.toSeconds() + " s): the clock of one of these machines is wrong (fix it: "
						+ "NTP). Until " + applied.versionTime() + " every node's versions run ahead of the time, so "
						+ "writes made on different nodes that did not see each other are ordered by the versions' "
						+ "counter and node id, not by when they were made (a write made on a node that has not "
						+ "received that change loses to an older one). This clears by itself then",
				applied.appliedAt()));
	}

}
