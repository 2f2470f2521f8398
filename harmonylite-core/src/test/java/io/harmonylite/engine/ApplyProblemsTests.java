package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.apply.StreamPosition;
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

	private ApplyLoop.Attempt inProgress;

	private final ApplyProblems problems = new ApplyProblems(() -> this.blocked,
			() -> Optional.ofNullable(this.inProgress), (shard) -> this.pausedBySchema, this.clock);

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
	void batchApplyingLongerThanTheThresholdShouldBeReportedForEachOfItsShardsBeforeAnyError() {
		this.inProgress = new ApplyLoop.Attempt(SINCE,
				Map.of(0, new StreamPosition("changes-0", 5), 1, new StreamPosition("changes-1", 42)));
		this.clock.move(ApplyProblems.FAILING);
		assertThat(this.problems.problems()).as("at the threshold").isEmpty();

		this.clock.move(Duration.ofSeconds(1));

		assertThat(this.problems.problems()).hasSize(2).allSatisfy((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_HEAD_FAILING);
			assertThat(problem.reason()).contains("applying for 11 s", "waits for the database", "write lock");
			assertThat(problem.since()).isEqualTo(SINCE);
		}).anySatisfy((problem) -> {
			assertThat(problem.subject()).isEqualTo("shard 1");
			assertThat(problem.reason()).contains("sequence 42 of stream changes-1");
		});

		// A shard whose head already failed is reported once, with its error.
		this.blocked.put(1, head("[SQLITE_BUSY] database is locked"));
		assertThat(this.problems.problems()).extracting(EngineStatus.Problem::subject)
			.containsExactlyInAnyOrder("shard 0", "shard 1");
		this.inProgress = null;
		assertThat(this.problems.problems()).extracting(EngineStatus.Problem::subject).containsExactly("shard 1");
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
