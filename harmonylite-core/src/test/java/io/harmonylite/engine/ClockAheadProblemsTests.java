package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;

import io.harmonylite.event.Version;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose local versions run more than a day ahead of the time is told that nobody takes its changes.
 */
class ClockAheadProblemsTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T04:00:00Z"));

	private long lastLocalVersion;

	private final ClockAheadProblems problems = new ClockAheadProblems(() -> this.lastLocalVersion, this.clock);

	@Test
	void noLocalChangeOrVersionsWithinADayShouldBeNoProblem() {
		assertThat(this.problems.problems()).isEmpty();
		this.lastLocalVersion = Version.hlcOf(this.clock.instant().plus(Duration.ofHours(23)).toEpochMilli());
		assertThat(this.problems.problems()).isEmpty();
	}

	@Test
	void versionsMoreThanADayAheadShouldBeReportedUntilTheTimeCatchesUp() {
		this.lastLocalVersion = Version.hlcOf(this.clock.instant().plus(Duration.ofHours(48)).toEpochMilli());
		assertThat(this.problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CLOCK_FAR_AHEAD);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
			assertThat(problem.reason()).contains("48 h ahead", "refuse", "2026-12-03T04:00:00Z");
		});
		this.clock.move(Duration.ofHours(25));
		assertThat(this.problems.problems()).isEmpty();
	}

}
