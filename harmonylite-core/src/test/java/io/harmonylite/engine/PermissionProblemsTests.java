package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refused subject is reported for a while after the server last refused it.
 */
class PermissionProblemsTests {

	private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

	@Test
	void refusedSubjectShouldBeReportedUntilTheServerHasNotRefusedItForFiveMinutes() {
		MovableClock clock = new MovableClock(NOW);
		AtomicReference<PermissionProblems.Refusal> last = new AtomicReference<>();
		PermissionProblems problems = new PermissionProblems(() -> Optional.ofNullable(last.get()), clock);
		assertThat(problems.problems()).isEmpty();

		last.set(new PermissionProblems.Refusal("Publish", "harmonylite-change-log-0", NOW));

		assertThat(problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.NATS_PERMISSION_DENIED);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
			assertThat(problem.reason()).contains("publish to harmonylite-change-log-0");
		});
		clock.move(PermissionProblems.REPORTED_FOR.minus(Duration.ofSeconds(1)));
		assertThat(problems.problems()).hasSize(1);
		clock.move(Duration.ofSeconds(1));
		assertThat(problems.problems()).isEmpty();
	}

}
