package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.testsupport.MovableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that applied a version from a clock far ahead says so until the time catches up with that version.
 */
class ClockDraggedProblemsTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00Z"));

	private ConflictStats.@Nullable AheadApplied applied;

	private final ClockDraggedProblems problems = new ClockDraggedProblems(() -> this.applied, this.clock,
			Duration.ofSeconds(10));

	@Test
	void versionAnHourAheadShouldBeReportedUntilTheTimeIsWithinTheSkewOfIt() {
		assertThat(this.problems.problems()).isEmpty();
		this.applied = new ConflictStats.AheadApplied(this.clock.instant().plus(Duration.ofHours(1)), Set.of(3L),
				this.clock.instant());
		assertThat(this.problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CLOCK_AHEAD);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DEGRADED);
			assertThat(problem.reason()).contains("node(s) [3]", "3600 s ahead", "2026-12-03T11:00:00Z",
					"counter and node id");
		});
		this.clock.move(Duration.ofMinutes(59).plusSeconds(49));
		assertThat(this.problems.problems()).hasSize(1);
		this.clock.move(Duration.ofSeconds(1));
		assertThat(this.problems.problems()).isEmpty();
	}

}
