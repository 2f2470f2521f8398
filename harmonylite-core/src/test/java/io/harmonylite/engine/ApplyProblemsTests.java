package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.event.Operation;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ApplyProblems}: a shard head that keeps failing is reported after the threshold, naming the shard,
 * position and table, and not while a schema mismatch holds the shard.
 */
class ApplyProblemsTests {

	private static final Instant SINCE = Instant.parse("2025-06-01T12:00:00Z");

	private final MovableClock clock = new MovableClock(SINCE);

	private final Map<Integer, BlockedMessage> blocked = new HashMap<>();

	private boolean pausedBySchema;

	private final ApplyProblems problems = new ApplyProblems(() -> this.blocked, (shard) -> this.pausedBySchema,
			this.clock);

	@Test
	void headFailingLongerThanTheThresholdShouldBeReportedWithItsShardPositionAndTable() {
		this.blocked.put(1, head("a transient failure, retried with backoff: [SQLITE_BUSY] database is locked"));
		this.clock.move(ApplyProblems.FAILING);
		assertThat(this.problems.problems()).as("at the threshold").isEmpty();

		this.clock.move(Duration.ofSeconds(1));

		assertThat(this.problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_HEAD_FAILING);
			assertThat(problem.subject()).isEqualTo("shard 1");
			assertThat(problem.reason()).contains("sequence 42 of stream changes-1", "table Books", "waited 11 s",
					"[SQLITE_BUSY] database is locked");
			assertThat(problem.since()).isEqualTo(SINCE);
		});
	}

	@Test
	void headHeldByASchemaMismatchShouldBeNoProblem() {
		this.blocked.put(1, head("schema mismatch"));
		this.pausedBySchema = true;
		this.clock.move(Duration.ofMinutes(5));

		assertThat(this.problems.problems()).isEmpty();
	}

	private static BlockedMessage head(String reason) {
		return new BlockedMessage(1, "changes-1", 42, "Books", Operation.INSERT, Map.of("id", 7L), 1, "hash", reason,
				SINCE);
	}

}
