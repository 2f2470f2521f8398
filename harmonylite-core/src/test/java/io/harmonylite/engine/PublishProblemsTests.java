package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.harmonylite.capture.PendingChange;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PublishProblems}: changes unacknowledged for longer than the threshold and failed changes, each
 * naming its table.
 */
class PublishProblemsTests {

	private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");

	private final MovableClock clock = new MovableClock(START);

	private final FakeCaptureState capture = new FakeCaptureState();

	@Test
	void changeUnacknowledgedLongerThanTheThresholdShouldNameItsTable() {
		PublishProblems problems = new PublishProblems(this.capture, true, this.clock);
		this.clock.move(Duration.ofSeconds(5));
		this.capture.oldestPending = new PendingChange(7, "Books", this.clock.instant());
		this.clock.move(PublishProblems.UNACKNOWLEDGED);
		assertThat(problems.problems()).as("at the threshold").isEmpty();

		this.clock.move(Duration.ofSeconds(1));

		assertThat(problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CHANGES_UNACKNOWLEDGED);
			assertThat(problem.subject()).isEqualTo("table Books");
			assertThat(problem.reason()).contains("2 change(s)", "change 7", "for 31 s");
		});
	}

	@Test
	void changeCapturedBeforeTheStartShouldCountFromTheStart() {
		this.capture.oldestPending = new PendingChange(7, "Books", START.minus(Duration.ofHours(1)));
		PublishProblems problems = new PublishProblems(this.capture, true, this.clock);

		assertThat(problems.problems()).isEmpty();
	}

	@Test
	void nodeThatDoesNotPublishShouldNotReportPendingChanges() {
		this.capture.oldestPending = new PendingChange(7, "Books", START);
		PublishProblems problems = new PublishProblems(this.capture, false, this.clock);
		this.clock.move(Duration.ofHours(1));

		assertThat(problems.problems()).isEmpty();
	}

	@Test
	void failedChangesShouldBeReportedPerTable() {
		this.capture.failedByTable = Map.of("blobs", 2L);

		assertThat(new PublishProblems(this.capture, true, this.clock).problems()).singleElement()
			.satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CHANGES_FAILED);
				assertThat(problem.subject()).isEqualTo("table blobs");
				assertThat(problem.reason()).startsWith("2 change(s) can never be published");
			});
	}

}
