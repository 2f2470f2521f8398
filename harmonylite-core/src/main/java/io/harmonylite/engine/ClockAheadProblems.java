package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import io.harmonylite.conflict.ConflictResolver;
import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;
import io.harmonylite.event.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a node whose local changes carry versions more than {@link ConflictResolver#REFUSED_AHEAD} ahead of the
 * time: every other node refuses them (dead letters), so nothing it writes replicates. Its versions never go back,
 * so this lasts after a wrong clock that ran that far ahead was fixed, until the time catches up.
 */
final class ClockAheadProblems implements ProblemSource {

	private static final Logger logger = LoggerFactory.getLogger(ClockAheadProblems.class);

	private final LongSupplier lastLocalVersion;

	private final Clock clock;

	/** Whether the problem was logged and has not cleared since: logged once, not at every look. */
	private final AtomicBoolean logged = new AtomicBoolean();

	ClockAheadProblems(LongSupplier lastLocalVersion, Clock clock) {
		this.lastLocalVersion = lastLocalVersion;
		this.clock = clock;
	}

	@Override
	public List<Problem> problems() {
		long version = this.lastLocalVersion.getAsLong();
		Instant now = this.clock.instant();
		Instant reached = Instant.ofEpochMilli(Version.millisOf(version));
		Duration ahead = Duration.between(now, reached);
		if (version == 0 || ahead.compareTo(ConflictResolver.REFUSED_AHEAD) <= 0) {
			if (this.logged.compareAndSet(true, false)) {
				logger.info("This node's versions are within {} h of the time again: the other nodes take its changes",
						ConflictResolver.REFUSED_AHEAD.toHours());
			}
			return List.of();
		}
		Problem problem = new Problem(ProblemKind.CLOCK_FAR_AHEAD, Severity.DOWN, "clock",
				"this node's changes carry versions of " + reached + ", " + ahead.toHours() + " h ahead of the time "
						+ "(its clock, or a process writing its database, ran that far ahead; versions never go back): "
						+ "the other nodes refuse changes more than " + ConflictResolver.REFUSED_AHEAD.toHours()
						+ " h ahead of their clocks and dead-letter them, so nothing written here replicates. Fix the "
						+ "clock; once the time is within " + ConflictResolver.REFUSED_AHEAD.toHours() + " h of "
						+ reached + " its changes are taken again, and the dead letters can be re-applied on the "
						+ "other nodes. Sooner: stop this node, move its database file away, create the schema in a new "
						+ "file and start it again, so that it joins as a new node (what was written here meanwhile "
						+ "stays in the moved file)",
				null);
		if (this.logged.compareAndSet(false, true)) {
			logger.error("{}: {}", problem.kind(), problem.reason());
		}
		return List.of(problem);
	}

}
