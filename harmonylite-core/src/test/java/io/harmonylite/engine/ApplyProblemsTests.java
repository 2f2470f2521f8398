package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;

import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ApplyProblems}: a shard head that keeps failing is reported after the threshold, naming the shard
 * and position, and no longer once anything is applied.
 */
class ApplyProblemsTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T12:00:00Z"));

	private final ApplyProblems problems = new ApplyProblems(this.clock);

	@Test
	void headFailingLongerThanTheThresholdShouldBeReportedWithItsShardAndPosition() {
		this.problems.batchFailed(head(42), new IllegalStateException("[SQLITE_BUSY] database is locked"));
		this.clock.move(ApplyProblems.FAILING);
		this.problems.batchFailed(head(42), new IllegalStateException("[SQLITE_BUSY] database is locked"));
		assertThat(this.problems.problems()).as("at the threshold").isEmpty();

		this.clock.move(Duration.ofSeconds(1));

		assertThat(this.problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_HEAD_FAILING);
			assertThat(problem.subject()).isEqualTo("shard 1");
			assertThat(problem.reason()).contains("sequence 42 of stream changes-1", "for 11 s",
					"[SQLITE_BUSY] database is locked");
			assertThat(problem.since()).isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
		});
	}

	@Test
	void appliedBatchShouldClearTheProblem() {
		this.problems.batchFailed(head(42), new IllegalStateException("locked"));
		this.clock.move(Duration.ofMinutes(1));

		this.problems.batchApplied(1, Duration.ofMillis(1));

		assertThat(this.problems.problems()).isEmpty();
	}

	@Test
	void anotherHeadShouldStartItsOwnClock() {
		this.problems.batchFailed(head(42), new IllegalStateException("locked"));
		this.clock.move(Duration.ofMinutes(1));

		this.problems.batchFailed(head(43), new IllegalStateException("locked"));

		assertThat(this.problems.problems()).isEmpty();
	}

	private static ReceivedMessage head(long sequence) {
		return new ReceivedMessage(1, new StreamPosition("changes-1", sequence), new byte[0]);
	}

}
