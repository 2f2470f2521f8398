package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.AppliedPositions;
import io.harmonylite.apply.ApplyQueue;
import io.harmonylite.apply.InMemoryShardSource;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.apply.StreamState;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ShardSupervisor} on in-memory shard sources: where shards start, when they do not, and how they are
 * redelivered.
 */
class ShardSupervisorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final InMemoryShardSource first = new InMemoryShardSource(0).holding(1, 10, "s0");

	private final InMemoryShardSource second = new InMemoryShardSource(1).holding(1, 4, "s1");

	private final ApplyQueue queue = new ApplyQueue(10);

	private final AppliedPositions positions = new AppliedPositions(Map.of("changes-0", 7L));

	private final ManualPauses pauses = new ManualPauses(1, ManualPauses.Store.MEMORY);

	@AfterEach
	void stopScheduler() {
		this.scheduler.shutdownNow();
	}

	@Test
	void startAllShouldStartEveryShardAfterItsAppliedPosition() {
		ShardSupervisor supervisor = supervisor(Duration.ofMinutes(1));

		supervisor.startAll();

		assertThat(this.first.starts()).containsExactly(7L);
		assertThat(this.second.starts()).containsExactly(0L);
		assertThat(supervisor.gap(0)).isNull();
		assertThat(supervisor.applied("changes-0")).isEqualTo(7);
	}

	@Test
	void streamThatDroppedTheNextMessageShouldBeReportedAndNeverStarted() {
		this.first.holding(9, 20, "s0");
		ShardSupervisor supervisor = supervisor(Duration.ofMinutes(1));

		supervisor.startAll();

		assertThat(this.first.starts()).isEmpty();
		assertThat(supervisor.gap(0)).isNotNull();
		assertThat(supervisor.gap(0).describe()).contains("no longer holds sequences 8 to 8");
		assertThat(this.second.starts()).containsExactly(0L);
	}

	@Test
	void streamRecreatedUnderTheSameNameShouldBeReportedAndNeverStarted() {
		ShardSupervisor supervisor = new ShardSupervisor(List.of(this.first), this.queue, this.positions,
				(stream, identity) -> false, this.scheduler, Duration.ofMinutes(1), 1, this.pauses, CLOCK);

		supervisor.startAll();

		assertThat(this.first.starts()).isEmpty();
		assertThat(supervisor.gap(0).describe()).contains("deleted and re-created");
	}

	@Test
	void nextMessageDeletedShouldBeReportedAndNeverStarted() {
		this.first.without(8);
		ShardSupervisor supervisor = supervisor(Duration.ofMinutes(1));

		supervisor.startAll();

		assertThat(this.first.starts()).isEmpty();
		assertThat(supervisor.gap(0).describe()).contains("no longer holds sequence 8");
	}

	@Test
	void gapShouldBeToldSoThatASnapshotCanBeRestored() {
		this.first.holding(9, 20, "s0");
		AtomicInteger told = new AtomicInteger();
		ShardSupervisor supervisor = new ShardSupervisor(List.of(this.first, this.second), this.queue, this.positions,
				(stream, identity) -> true, this.scheduler, Duration.ofMinutes(1), 1, this.pauses, CLOCK,
				told::incrementAndGet, Duration.ZERO);

		supervisor.startAll();

		assertThat(told).hasValue(1);
		assertThat(supervisor.gaps()).containsOnlyKeys(0);
	}

	@Test
	void gapSeenForAMomentShouldBeCheckedAgainAndNeverReported() {
		this.first.holding(9, 20, "s0");
		AtomicInteger told = new AtomicInteger();
		ShardSupervisor supervisor = confirming(new MovableClock(NOW), told);

		supervisor.startAll();
		assertThat(supervisor.gap(0)).as("not reported at first sight").isNull();
		assertThat(this.first.starts()).isEmpty();
		// The stream answers with its real state again, as after a leader election.
		this.first.holding(1, 20, "s0");

		await().atMost(TIMEOUT).until(() -> this.first.starts().size() == 1);
		assertThat(this.first.starts()).containsExactly(7L);
		assertThat(supervisor.gap(0)).isNull();
		assertThat(told).hasValue(0);
	}

	@Test
	void streamEndingBeforeThePositionInAnswersWithoutALeaderShouldNeverBeReportedAsAGap() {
		// A server that restarted and has not caught up answers with its outdated copy, ending at 5 (applied: 7).
		this.first.holding(1, 5, "s0").withoutLeader();
		AtomicInteger told = new AtomicInteger();
		MovableClock clock = new MovableClock(NOW);
		ShardSupervisor supervisor = confirming(clock, told);
		supervisor.startAll();

		clock.move(ShardSupervisor.GAP_CONFIRMATION.multipliedBy(3));

		await().atMost(TIMEOUT).until(() -> this.first.stops() >= 2);
		assertThat(supervisor.gap(0)).as("checked again, never taken for a reset stream").isNull();
		assertThat(told).hasValue(0);
		assertThat(this.first.starts()).isEmpty();
		// The stream's leader answers again.
		this.first.holding(1, 20, "s0");
		await().atMost(TIMEOUT).until(() -> this.first.starts().size() == 1);
		assertThat(this.first.starts()).containsExactly(7L);
		assertThat(told).hasValue(0);
	}

	@Test
	void gapSeenForTheConfirmationTimeShouldBeReportedOnce() {
		this.first.holding(9, 20, "s0");
		AtomicInteger told = new AtomicInteger();
		MovableClock clock = new MovableClock(NOW);
		ShardSupervisor supervisor = confirming(clock, told);
		supervisor.startAll();

		clock.move(ShardSupervisor.GAP_CONFIRMATION);

		await().atMost(TIMEOUT).until(() -> supervisor.gap(0) != null);
		assertThat(supervisor.gap(0).describe()).contains("no longer holds sequences 8 to 8");
		assertThat(this.first.starts()).isEmpty();
		// Checked again after each redelivery delay, told only once.
		await().atMost(TIMEOUT).until(() -> this.first.stops() >= 3);
		assertThat(told).hasValue(1);
	}

	@Test
	void reportedGapThatGoesAwayShouldLetTheShardStartByItself() {
		this.first.holding(9, 20, "s0");
		ShardSupervisor supervisor = supervisor(Duration.ofMillis(20));
		supervisor.startAll();
		assertThat(supervisor.gap(0)).isNotNull();

		// E.g. an operator reset the position, or a snapshot filled the gap.
		this.positions.restored(Map.of("changes-0", 12L));

		await().atMost(TIMEOUT).until(() -> this.first.starts().size() == 1);
		assertThat(this.first.starts()).containsExactly(12L);
		assertThat(supervisor.gap(0)).isNull();
	}

	@Test
	void shardBeingStartedShouldNotCountAsDelivering() throws Exception {
		CountDownLatch answering = new CountDownLatch(1);
		CountDownLatch asked = new CountDownLatch(1);
		ShardSource slow = new ShardSource() {

			@Override
			public int shard() {
				return 0;
			}

			@Override
			public String stream() {
				return ShardSupervisorTests.this.first.stream();
			}

			@Override
			public StreamState state() {
				// JetStream answering slowly, e.g. just after a leader election.
				asked.countDown();
				try {
					answering.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return ShardSupervisorTests.this.first.state();
			}

			@Override
			public boolean holds(long sequence) {
				return ShardSupervisorTests.this.first.holds(sequence);
			}

			@Override
			public void start(long afterSequence, Receiver receiver) {
				ShardSupervisorTests.this.first.start(afterSequence, receiver);
			}

			@Override
			public void stop() {
				ShardSupervisorTests.this.first.stop();
			}

		};
		ShardSupervisor supervisor = new ShardSupervisor(List.of(slow), this.queue, this.positions,
				(stream, identity) -> true, this.scheduler, Duration.ofMinutes(1), 1, this.pauses, CLOCK);

		supervisor.restartNow(0);
		assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();

		// A stall watch asking now must not restart it again: its start has not finished.
		assertThat(supervisor.delivering(0)).isFalse();
		answering.countDown();
		await().atMost(TIMEOUT).until(() -> supervisor.delivering(0));
		assertThat(this.first.starts()).containsExactly(7L);
	}

	private ShardSupervisor confirming(Clock clock, AtomicInteger told) {
		return new ShardSupervisor(List.of(this.first, this.second), this.queue, this.positions,
				(stream, identity) -> true, this.scheduler, Duration.ofMillis(20), 1, this.pauses, clock,
				told::incrementAndGet, ShardSupervisor.GAP_CONFIRMATION);
	}

	@Test
	void heldShardsShouldStayStoppedUntilStartedAgainFromThePositionsRestoredMeanwhile() throws Exception {
		ShardSupervisor supervisor = supervisor(Duration.ofMillis(10));
		supervisor.startAll();
		this.second.deliver(1, new byte[0]);

		supervisor.holdAll();
		supervisor.resync(0);
		supervisor.redeliverPausedNow();

		assertThat(this.queue.size()).as("queued messages dropped").isZero();
		assertThat(this.first.stops()).isGreaterThanOrEqualTo(1);
		this.positions.restored(Map.of("changes-0", 9L, "changes-1", 3L));
		// The scheduler runs one task at a time: once this one ran, the resync's restart has run too.
		this.scheduler.submit(() -> {
		}).get();
		assertThat(this.first.starts()).as("no restart while held").containsExactly(7L);
		supervisor.startAll();
		assertThat(this.first.starts()).containsExactly(7L, 9L);
		assertThat(this.second.starts()).containsExactly(0L, 3L);
	}

	@Test
	void unreadableStreamShouldFailStartup() {
		this.second.failing(new HarmonyLiteException("NATS is down"));
		ShardSupervisor supervisor = supervisor(Duration.ofMinutes(1));

		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(supervisor::startAll)
			.withMessage("NATS is down");
	}

	@Test
	void pausedShardShouldBeStoppedItsQueueEmptiedAndRedeliveredFromItsPositionAfterTheDelay() throws Exception {
		ShardSupervisor supervisor = supervisor(Duration.ofMillis(50));
		supervisor.startAll();
		this.first.deliver(8, new byte[0]);
		this.second.deliver(1, new byte[0]);

		supervisor.redeliverLater(0);

		await().atMost(TIMEOUT).until(() -> this.first.starts().size() == 2);
		assertThat(this.first.starts()).containsExactly(7L, 7L);
		assertThat(this.first.stops()).isGreaterThanOrEqualTo(1);
		assertThat(this.queue.size()).as("only shard 1's message stays queued").isOne();
		assertThat(this.second.starts()).containsExactly(0L);
	}

	@Test
	void redeliverPausedNowShouldRestartPausedShardsWithoutWaitingForTheDelay() {
		ShardSupervisor supervisor = supervisor(Duration.ofHours(1));
		supervisor.startAll();
		supervisor.redeliverLater(1);

		supervisor.redeliverPausedNow();

		await().atMost(TIMEOUT).until(() -> this.second.starts().size() == 2);
		assertThat(this.first.starts()).hasSize(1);
	}

	@Test
	void resyncAllShouldRestartEveryShardFromItsPosition() {
		ShardSupervisor supervisor = supervisor(Duration.ofHours(1));
		supervisor.startAll();

		supervisor.resyncAll();

		await().atMost(TIMEOUT).until(() -> this.first.starts().size() == 2 && this.second.starts().size() == 2);
		assertThat(this.first.starts()).containsExactly(7L, 7L);
	}

	@Test
	void restartFindingAGapShouldReportItAndStayStopped() {
		ShardSupervisor supervisor = supervisor(Duration.ofHours(1));
		supervisor.startAll();
		this.first.holding(12, 20, "s0");

		supervisor.resync(0);

		await().atMost(TIMEOUT).until(() -> supervisor.gap(0) != null);
		assertThat(this.first.starts()).containsExactly(7L);
		assertThat(this.first.started()).isFalse();
	}

	@Test
	void closeShouldStopEveryShardAndCancelPendingRedeliveries() {
		ShardSupervisor supervisor = supervisor(Duration.ofMillis(50));
		supervisor.startAll();
		supervisor.redeliverLater(1);

		supervisor.close();
		supervisor.resync(0);

		assertThat(this.first.started()).isFalse();
		assertThat(this.second.started()).isFalse();
		// Whatever is still scheduled runs now, as if its time had come: nothing restarts.
		this.scheduler.shutdownNow().forEach(Runnable::run);
		assertThat(this.first.starts()).hasSize(1);
		assertThat(this.second.starts()).hasSize(1);
	}

	@Test
	void pauseShouldStopTheShardDropItsQueueAndKeepItStoppedThroughRedeliveries() throws Exception {
		ShardSupervisor supervisor = supervisor(Duration.ofMillis(10));
		supervisor.startAll();
		this.first.deliver(8, new byte[0]);
		this.second.deliver(1, new byte[0]);

		assertThat(supervisor.pause(0)).isTrue();
		assertThat(this.queue.size()).as("only shard 1's message stays queued").isOne();
		supervisor.resync(0);
		supervisor.redeliverLater(0);
		supervisor.resyncAll();

		await().atMost(TIMEOUT).until(() -> this.second.starts().size() == 2);
		// Whatever is still scheduled runs now: the paused shard never starts again.
		this.scheduler.shutdownNow().forEach(Runnable::run);
		assertThat(this.first.started()).isFalse();
		assertThat(this.first.starts()).containsExactly(7L);
		assertThat(supervisor.pausedManuallySince(0)).isEqualTo(NOW);
		assertThat(supervisor.pause(0)).as("already paused").isFalse();
	}

	@Test
	void resumeShouldStartTheShardFromItsAppliedPosition() {
		ShardSupervisor supervisor = supervisor(Duration.ofHours(1));
		supervisor.startAll();
		supervisor.pause(0);

		assertThat(supervisor.resume(0)).isTrue();

		assertThat(this.first.started()).isTrue();
		assertThat(this.first.starts()).containsExactly(7L, 7L);
		assertThat(supervisor.pausedManuallySince(0)).isNull();
		assertThat(supervisor.resume(0)).as("not paused any more").isFalse();
	}

	@Test
	void shardPausedBeforeTheNodeStartedShouldNotStart() {
		this.pauses.pause(1, NOW);
		ShardSupervisor supervisor = supervisor(Duration.ofHours(1));

		supervisor.startAll();

		assertThat(this.first.starts()).containsExactly(7L);
		assertThat(this.second.starts()).isEmpty();
	}

	private ShardSupervisor supervisor(Duration redeliveryDelay) {
		return new ShardSupervisor(List.of(this.first, this.second), this.queue, this.positions,
				(stream, identity) -> true, this.scheduler, redeliveryDelay, 1, this.pauses, CLOCK);
	}

}
