package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
 * so this lasts after a wrong clock that ran that far ahead was fixed, until the time catches up. A clock less far
 * ahead of the servers', but more than the maximum clock skew, is reported as {@code CLOCK_AHEAD} ({@code DEGRADED}).
 */
final class ClockAheadProblems implements ProblemSource {

	private static final Logger logger = LoggerFactory.getLogger(ClockAheadProblems.class);

	private final LongSupplier lastLocalVersion;

	private final Clock clock;

	private final Supplier<Optional<Duration>> aheadOfServers;

	private final Duration maxClockSkew;

	/** Whether the problem was logged and has not cleared since: logged once, not at every look. */
	private final AtomicBoolean logged = new AtomicBoolean();

	/** Whether the clock's skew was logged and has not cleared since. */
	private final AtomicBoolean skewLogged = new AtomicBoolean();

	/**
	 * Creates the source.
	 * @param lastLocalVersion the version of this node's last local change
	 * @param clock this node's clock
	 * @param aheadOfServers how far this node's clock is ahead of its NATS servers' clock, when measured
	 * @param maxClockSkew how far ahead a clock may be without being reported ({@code CLOCK_AHEAD})
	 */
	ClockAheadProblems(LongSupplier lastLocalVersion, Clock clock, Supplier<Optional<Duration>> aheadOfServers,
			Duration maxClockSkew) {
		this.lastLocalVersion = lastLocalVersion;
		this.clock = clock;
		this.aheadOfServers = aheadOfServers;
		this.maxClockSkew = maxClockSkew;
	}

	@Override
	public List<Problem> problems() {
		Optional<Duration> measured = this.aheadOfServers.get();
		Optional<Duration> clockAhead = measured.filter((ahead) -> ahead.compareTo(ConflictResolver.REFUSED_AHEAD) > 0);
		if (clockAhead.isPresent()) {
			return report(new Problem(ProblemKind.CLOCK_FAR_AHEAD, Severity.DOWN, "clock",
					"this node's clock is " + clockAhead.get().toHours() + " h ahead of its NATS servers' clock (the "
							+ "time they stored its presence key at): its changes carry versions that far ahead, and "
							+ "the other nodes refuse changes more than " + ConflictResolver.REFUSED_AHEAD.toHours()
							+ " h ahead of their clocks and dead-letter them, so nothing written here replicates. Fix "
							+ "this machine's clock (NTP): its versions then stay ahead until the time catches up with "
							+ "them (CLOCK_FAR_AHEAD in docs/operations.md says how to replicate sooner)",
					null));
		}
		long version = this.lastLocalVersion.getAsLong();
		Instant reached = Instant.ofEpochMilli(Version.millisOf(version));
		Duration ahead = Duration.between(this.clock.instant(), reached);
		boolean refused = version != 0 && ahead.compareTo(ConflictResolver.REFUSED_AHEAD) > 0;
		Optional<Duration> skewed = measured.filter((skew) -> skew.compareTo(this.maxClockSkew) > 0);
		if (skewed.isPresent() && !refused) {
			// Taken by the others, but ahead of them: reported here too, where the clock can be fixed.
			clearLogged();
			Problem problem = new Problem(ProblemKind.CLOCK_AHEAD, Severity.DEGRADED, "clock", "this node's clock is "
					+ skewed.get().toSeconds() + " s ahead of its NATS servers' clock (the time the server leading the "
					+ "presence bucket stored its presence key at), more than harmonylite.replication.max-clock-skew ("
					+ this.maxClockSkew.toSeconds() + " s): its writes carry versions that far ahead, so they win over "
					+ "writes other nodes make later for that long, and the nodes that apply them report CLOCK_AHEAD. "
					+ "Fix this machine's clock (NTP); when the other nodes report CLOCK_AHEAD by about as much, it is "
					+ "that server's machine whose clock is behind: fix that one instead",
					null);
			if (this.skewLogged.compareAndSet(false, true)) {
				logger.warn("{}: {}", problem.kind(), problem.reason());
			}
			return List.of(problem);
		}
		// Said once the clock is well within the skew, so that a clock near the bound does not log at each crossing.
		if (measured.filter((skew) -> skew.compareTo(this.maxClockSkew.multipliedBy(9).dividedBy(10)) < 0).isPresent()
				&& this.skewLogged.compareAndSet(true, false)) {
			logger.info("This node's clock is within harmonylite.replication.max-clock-skew of its NATS servers' again");
		}
		if (!refused) {
			clearLogged();
			return List.of();
		}
		return report(new Problem(ProblemKind.CLOCK_FAR_AHEAD, Severity.DOWN, "clock",
				"this node's changes carry versions of " + reached + ", " + ahead.toHours() + " h ahead of the time "
						+ "(its clock, or a process writing its database, ran that far ahead; versions never go back): "
						+ "the other nodes refuse changes more than " + ConflictResolver.REFUSED_AHEAD.toHours()
						+ " h ahead of their clocks and dead-letter them, so nothing written here replicates. Fix the "
						+ "clock; once the time is within " + ConflictResolver.REFUSED_AHEAD.toHours() + " h of "
						+ reached + " its changes are taken again, and the dead letters can be re-applied on the "
						+ "other nodes. Sooner: stop this node, move its database file away, create the schema in a new "
						+ "file and start it again, so that it joins as a new node (what was written here meanwhile "
						+ "stays in the moved file)",
				null));
	}

	private void clearLogged() {
		if (this.logged.compareAndSet(true, false)) {
			logger.info("This node's versions are within {} h of the time again: the other nodes take its changes",
					ConflictResolver.REFUSED_AHEAD.toHours());
		}
	}

	private List<Problem> report(Problem problem) {
		if (this.logged.compareAndSet(false, true)) {
			logger.error("{}: {}", problem.kind(), problem.reason());
		}
		return List.of(problem);
	}

}
