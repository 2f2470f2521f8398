package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import io.harmonylite.apply.AppliedPositions;
import io.harmonylite.apply.ApplyQueue;
import io.harmonylite.apply.InMemoryShardSource;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ShardStallWatch} on an in-memory shard that delivers nothing although its stream holds messages
 * this node has not applied: restarted after {@link ShardStallWatch#STALL}, reported until it moves again.
 */
class ShardStallWatchTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T12:00:00Z"));

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final InMemoryShardSource shard = new InMemoryShardSource(0).holding(1, 10, "s0");

	private final AppliedPositions positions = new AppliedPositions(Map.of("changes-0", 7L));

	private final ShardSupervisor supervisor = new ShardSupervisor(List.of(this.shard), new ApplyQueue(10),
			this.positions, (stream, identity) -> true, this.scheduler, Duration.ofMinutes(1), 1,
			new ManualPauses(1, ManualPauses.Store.MEMORY), this.clock);

	private final StreamStateCache streams = new StreamStateCache(1, List.of(this.shard), this.clock, () -> {
	});

	private final AtomicBoolean pausedBySchema = new AtomicBoolean();

	private final AtomicBoolean applying = new AtomicBoolean();

	private final ShardStallWatch watch = new ShardStallWatch(1, List.of(this.shard), this.supervisor, this.streams,
			(shard) -> this.pausedBySchema.get(), this.applying::get, this.clock);

	@AfterEach
	void stop() {
		this.scheduler.shutdownNow();
	}

	@Test
	void shardWithoutProgressShouldBeRestartedAfterTheStallAndReportedUntilItMoves() throws InterruptedException {
		this.supervisor.startAll();
		// It delivered, then stopped: the full stall applies.
		this.shard.deliver(8, new byte[0]);
		checkAfter(Duration.ZERO);
		checkAfter(ShardStallWatch.STALL.minusSeconds(1));
		assertThat(this.shard.starts()).as("within the stall").containsExactly(7L);
		assertThat(this.watch.problems()).isEmpty();

		checkAfter(Duration.ofSeconds(1));

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.shard.starts()).containsExactly(7L,
				7L));
		assertThat(this.watch.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_STALLED);
			assertThat(problem.subject()).isEqualTo("shard 0");
			assertThat(problem.reason()).contains("after sequence 7", "restarted 1 time(s)");
		});

		this.positions.restored(Map.of("changes-0", 10L));
		checkAfter(Duration.ofSeconds(1));

		assertThat(this.watch.problems()).isEmpty();
	}

	@Test
	void shardHandingAMessageOverShouldNotBeRestartedHoweverLongItTakes() throws InterruptedException {
		this.supervisor.startAll();
		this.shard.deliver(8, new byte[0]);
		// Reassembling a change of many chunks (or waiting for room in the apply queue): a restart would deliver it a
		// second time while the first delivery still holds it.
		this.shard.delivering(true);
		checkAfter(Duration.ZERO);
		checkAfter(ShardStallWatch.STALL.plusSeconds(30));
		assertThat(this.shard.starts()).containsExactly(7L);
		assertThat(this.watch.problems()).isEmpty();

		this.shard.delivering(false);
		checkAfter(ShardStallWatch.STALL.plusSeconds(1));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.shard.starts()).as("stalled once done").containsExactly(7L, 7L));
	}

	@Test
	void consumerThatTakesLongToStartShouldBeReportedUntilItRuns() {
		this.supervisor.startAll();
		CountDownLatch jetStreamAnswers = new CountDownLatch(1);
		this.shard.startsWaitFor(jetStreamAnswers);
		this.supervisor.restartNow(0);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.supervisor.startingSince(0) != null);
		assertThat(this.watch.problems()).as("a start takes a moment").isEmpty();

		this.clock.move(ShardStallWatch.STARTING_TOO_LONG.plusSeconds(1));

		assertThat(this.watch.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_STALLED);
			assertThat(problem.subject()).isEqualTo("shard 0");
			assertThat(problem.reason()).contains("has been starting for 11 s", "JetStream does not answer");
		});
		jetStreamAnswers.countDown();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.watch.problems()).isEmpty());
	}

	@Test
	void consumerWhoseStartFailsShouldBeReportedFromItsFirstAttemptWhileItWaitsToBeTriedAgain() {
		this.supervisor.startAll();
		Instant firstAttempt = this.clock.instant();
		this.shard.failing(new IllegalStateException("stream changes-0 has no quorum"));
		this.supervisor.restartNow(0);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.supervisor.startFailure(0) != null);
		assertThat(this.watch.problems()).as("a start takes a moment").isEmpty();

		this.clock.move(ShardStallWatch.STARTING_TOO_LONG.plusSeconds(1));

		assertThat(this.watch.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_STALLED);
			assertThat(problem.since()).isEqualTo(firstAttempt);
			assertThat(problem.reason()).contains("has been starting for 11 s",
					"(last attempt: stream changes-0 has no quorum)");
		});
		this.shard.failing(null);
		this.supervisor.redeliverPausedNow();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.watch.problems()).isEmpty());
		assertThat(this.supervisor.startFailure(0)).isNull();
	}

	@Test
	void consumerThatDeliveredNothingSinceItStartedShouldBeRestartedSooner() {
		this.supervisor.startAll();
		checkAfter(Duration.ZERO);
		checkAfter(ShardStallWatch.FIRST_DELIVERY.minusMillis(1));
		assertThat(this.shard.starts()).as("within the first-delivery wait").containsExactly(7L);

		checkAfter(Duration.ofMillis(1));

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.shard.starts()).containsExactly(7L,
				7L));
		assertThat(this.watch.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_STALLED));
	}

	@Test
	void waitShouldStartWhenTheStreamFirstHoldsChangesForTheShard() {
		this.positions.restored(Map.of("changes-0", 10L));
		this.supervisor.startAll();
		checkAfter(Duration.ZERO);
		checkAfter(Duration.ofMinutes(5));
		this.shard.holding(1, 12, "s0");

		checkAfter(Duration.ofSeconds(1));
		assertThat(this.shard.starts()).as("a change just written is not a stall").containsExactly(10L);
		assertThat(this.watch.problems()).isEmpty();

		checkAfter(ShardStallWatch.FIRST_DELIVERY);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.shard.starts()).containsExactly(10L,
				10L));
	}

	@Test
	void stalledShardThatAMismatchPausesShouldNoLongerBeReportedAsStalled() {
		this.supervisor.startAll();
		checkAfter(Duration.ZERO);
		checkAfter(ShardStallWatch.FIRST_DELIVERY);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.shard.starts()).hasSize(2));
		assertThat(this.watch.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.SHARD_STALLED));

		this.pausedBySchema.set(true);
		checkAfter(Duration.ofSeconds(1));

		assertThat(this.watch.problems()).as("held by the pause, which the status reports").isEmpty();
		checkAfter(Duration.ofMinutes(5));
		assertThat(this.shard.starts()).as("no restart while paused").hasSize(2);
		assertThat(this.watch.problems()).isEmpty();
	}

	@Test
	void shardWhoseBatchWaitsForTheDatabaseShouldNotBeRestarted() throws InterruptedException {
		this.supervisor.startAll();
		this.shard.deliver(8, new byte[0]);
		checkAfter(Duration.ZERO);
		// The apply loop took the delivered messages and waits for the write lock of another connection.
		this.applying.set(true);

		checkAfter(ShardStallWatch.STALL.plusSeconds(30));

		assertThat(this.shard.starts()).as("no restart while a batch is in progress").containsExactly(7L);
		assertThat(this.watch.problems()).isEmpty();
	}

	@Test
	void shardThatIsCaughtUpShouldNeverBeRestarted() {
		this.positions.restored(Map.of("changes-0", 10L));
		this.supervisor.startAll();
		checkAfter(Duration.ZERO);

		checkAfter(Duration.ofMinutes(5));

		assertThat(this.shard.starts()).containsExactly(10L);
		assertThat(this.watch.problems()).isEmpty();
	}

	@Test
	void shardWhoseStreamWasResetUnderItShouldBeCheckedForAGapRatherThanSeemCaughtUp() {
		this.supervisor.startAll();
		checkAfter(Duration.ZERO);
		// The stream now ends before the position applied here (an empty replica elected after a scale-up).
		this.shard.holding(1, 3, "s0");
		checkAfter(Duration.ZERO);
		checkAfter(ShardStallWatch.STALL.minusSeconds(1));
		assertThat(this.supervisor.gap(0)).as("within the stall").isNull();

		checkAfter(Duration.ofSeconds(1));

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.supervisor.gap(0)).isNotNull());
		assertThat(this.supervisor.gap(0).describe()).contains("ends at sequence 3, before sequence 7");
		assertThat(this.shard.starts()).as("not started again behind the gap").containsExactly(7L);
	}

	private void checkAfter(Duration duration) {
		this.clock.move(duration);
		this.streams.refresh();
		this.watch.check();
	}

}
