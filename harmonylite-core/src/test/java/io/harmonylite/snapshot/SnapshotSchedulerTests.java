package io.harmonylite.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.harmonylite.engine.TestDatabase;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * When the scheduler takes snapshots: only while holding the lease, by time and by change count, continuing the
 * cadence of the store, backing off while refused, and on demand.
 */
class SnapshotSchedulerTests {

	private static final Duration HEARTBEAT = Duration.ofSeconds(10);

	@TempDir
	Path dir;

	private final MovableClock clock = new MovableClock(Instant.parse("2025-03-01T10:00:00Z"));

	private final FakeLease lease = new FakeLease();

	private final AtomicLong changes = new AtomicLong();

	private final AtomicReference<Optional<String>> blocker = new AtomicReference<>(Optional.empty());

	private DirectorySnapshotStore store;

	private TestDatabase node;

	@BeforeEach
	void createNode() {
		this.node = NodeFiles.node(this.dir.resolve("node.db"));
		NodeFiles.books(this.node, 1, 10);
		this.store = new DirectorySnapshotStore(this.dir.resolve("store"));
	}

	@Test
	void holderShouldTakeASnapshotAtOnceWhenNoneExistsAndThenEveryInterval() {
		SnapshotScheduler scheduler = scheduler(Duration.ofMinutes(30), 0, 5);
		scheduler.tick();
		assertThat(this.store.list()).hasSize(1);
		this.clock.move(Duration.ofMinutes(29));
		scheduler.tick();
		assertThat(this.store.list()).hasSize(1);
		this.clock.move(Duration.ofMinutes(1));
		scheduler.tick();
		assertThat(this.store.list()).hasSize(2);
		assertThat(scheduler.isLeader()).isTrue();
	}

	@Test
	void holderShouldTakeASnapshotSoonAfterItsSchemaChangesRatherThanAtTheNextInterval() throws Exception {
		SnapshotTaker taker = new SnapshotTaker(this.node.path(), 1, NodeFiles.SELECTION, this.blocker::get,
				this.dir.resolve("work"), this.clock);
		SnapshotScheduler scheduler = new SnapshotScheduler(1, new SnapshotSaver(taker, this.store, 5), this.lease,
				Duration.ofHours(1), 0, HEARTBEAT, this.changes::get, this.clock, ConsistencyCheck.always(),
				this::schemaHash);
		scheduler.tick();
		String before = this.store.list().get(0).schemaHash();
		this.clock.move(HEARTBEAT);
		scheduler.tick();
		assertThat(this.store.list()).as("same schema, within the interval").hasSize(1);

		this.node.execute("ALTER TABLE Books ADD COLUMN isbn TEXT");
		this.clock.move(HEARTBEAT);
		scheduler.tick();

		assertThat(this.store.list()).hasSize(2);
		assertThat(this.store.list().get(0).schemaHash()).isNotEqualTo(before).isEqualTo(schemaHash());
		this.clock.move(HEARTBEAT);
		scheduler.tick();
		assertThat(this.store.list()).as("one snapshot per new schema").hasSize(2);
	}

	private String schemaHash() {
		try (Connection connection = SqliteConnections.open(this.node.path())) {
			return NodeFiles.SELECTION.schemaHash(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void failingScheduledSnapshotsShouldBeToldSinceTheFirstFailureUntilOneIsTaken() throws Exception {
		Path work = this.dir.resolve("work");
		Files.writeString(work, "a file where the snapshots' work directory should be");
		SnapshotScheduler scheduler = scheduler(Duration.ofMinutes(30), 0, 5);
		assertThat(scheduler.failing()).isNull();
		Instant first = this.clock.instant();
		scheduler.tick();
		assertThat(scheduler.failing()).isNotNull().extracting(SnapshotScheduler.Failing::since).isEqualTo(first);
		this.clock.move(Duration.ofMinutes(5));
		scheduler.tick();
		assertThat(scheduler.failing()).as("since the first failure").extracting(SnapshotScheduler.Failing::since)
			.isEqualTo(first);
		Files.delete(work);
		this.clock.move(Duration.ofMinutes(10));
		scheduler.tick();
		assertThat(this.store.list()).hasSize(1);
		assertThat(scheduler.failing()).isNull();
	}

	@Test
	void nodeWithoutTheLeaseShouldTakeNoScheduledSnapshot() {
		this.lease.held.set(false);
		SnapshotScheduler scheduler = scheduler(Duration.ofMinutes(30), 0, 5);
		scheduler.tick();
		this.clock.move(Duration.ofHours(2));
		scheduler.tick();
		assertThat(this.store.list()).isEmpty();
		assertThat(scheduler.isLeader()).isFalse();
	}

	@Test
	void newHolderShouldGoOnFromTheNewestSnapshotInTheStore() {
		scheduler(Duration.ofMinutes(30), 0, 5).takeNow();
		this.clock.move(Duration.ofMinutes(20));
		SnapshotScheduler newHolder = scheduler(Duration.ofMinutes(30), 0, 5);
		newHolder.tick();
		assertThat(this.store.list()).as("the newest one is 20 minutes old").hasSize(1);
		this.clock.move(Duration.ofMinutes(10));
		newHolder.tick();
		assertThat(this.store.list()).hasSize(2);
	}

	@Test
	void holderShouldTakeASnapshotAfterTheConfiguredNumberOfChanges() {
		SnapshotScheduler scheduler = scheduler(Duration.ZERO, 1000, 5);
		scheduler.tick();
		assertThat(this.store.list()).as("no snapshot by time").isEmpty();
		this.changes.addAndGet(999);
		scheduler.tick();
		assertThat(this.store.list()).isEmpty();
		this.changes.addAndGet(1);
		scheduler.tick();
		assertThat(this.store.list()).hasSize(1);
		this.changes.addAndGet(999);
		scheduler.tick();
		assertThat(this.store.list()).hasSize(1);
	}

	@Test
	void refusedSnapshotShouldBeRetriedWithBackoffOnceTheNodeIsConsistent() {
		this.blocker.set(Optional.of("shard 0 is paused"));
		SnapshotScheduler scheduler = scheduler(Duration.ofMinutes(30), 0, 5);
		scheduler.tick();
		scheduler.tick();
		this.blocker.set(Optional.empty());
		this.clock.move(HEARTBEAT.minusSeconds(1));
		scheduler.tick();
		assertThat(this.store.list()).as("still backing off").isEmpty();
		this.clock.move(HEARTBEAT);
		scheduler.tick();
		assertThat(this.store.list()).hasSize(1);
	}

	@Test
	void nodeThatMayNotTakeSnapshotsShouldGiveTheLeaseUpAndTakeItBackOnceItMay() {
		AtomicReference<Optional<String>> eligibility = new AtomicReference<>(Optional.empty());
		SnapshotTaker taker = new SnapshotTaker(this.node.path(), 1, NodeFiles.SELECTION, this.blocker::get,
				this.dir.resolve("work"), this.clock);
		SnapshotScheduler scheduler = new SnapshotScheduler(1, new SnapshotSaver(taker, this.store, 5), this.lease,
				Duration.ofMinutes(30), 0, HEARTBEAT, this.changes::get, this.clock, eligibility::get, () -> null);
		scheduler.tick();
		assertThat(scheduler.isLeader()).isTrue();

		eligibility.set(Optional.of("stream changes-0 has a gap"));
		this.clock.move(Duration.ofHours(1));
		scheduler.tick();

		assertThat(scheduler.isLeader()).isFalse();
		assertThat(this.lease.released).isTrue();
		assertThat(this.store.list()).as("only the first").hasSize(1);
		eligibility.set(Optional.empty());
		scheduler.tick();
		assertThat(scheduler.isLeader()).isTrue();
		assertThat(this.store.list()).hasSize(2);
	}

	@Test
	void retentionShouldKeepTheNewestSnapshots() {
		SnapshotScheduler scheduler = scheduler(Duration.ofMinutes(1), 0, 2);
		for (int i = 0; i < 4; i++) {
			scheduler.tick();
			this.clock.move(Duration.ofMinutes(1));
		}
		assertThat(this.store.list()).hasSize(2);
	}

	@Test
	void takeNowShouldTakeASnapshotWithoutTheLeaseUnlessRefused() {
		this.lease.held.set(false);
		SnapshotScheduler scheduler = scheduler(Duration.ofMinutes(30), 0, 5);
		SnapshotMetadata taken = scheduler.takeNow();
		assertThat(this.store.list()).containsExactly(taken);
		this.blocker.set(Optional.of("stream changes-0 has a gap"));
		assertThatExceptionOfType(SnapshotRefusedException.class).isThrownBy(scheduler::takeNow);
	}

	@Test
	void closeShouldReleaseTheLeaseItHolds() {
		SnapshotScheduler scheduler = scheduler(Duration.ofMinutes(30), 0, 5);
		scheduler.tick();
		scheduler.close();
		assertThat(this.lease.released).isTrue();
	}

	@Test
	void isLeaderShouldAnswerWhileAHeartbeatWaitsOnTheLease() throws Exception {
		SnapshotScheduler scheduler = scheduler(Duration.ofMinutes(30), 0, 5);
		scheduler.tick();
		CountDownLatch inRenewal = new CountDownLatch(1);
		CountDownLatch natsAnswers = new CountDownLatch(1);
		this.lease.renewal = () -> {
			inRenewal.countDown();
			awaitQuietly(natsAnswers);
		};
		Thread heartbeat = new Thread(scheduler::tick, "heartbeat");
		heartbeat.start();
		try {
			assertThat(inRenewal.await(10, TimeUnit.SECONDS)).isTrue();
			// The status (and with it the health endpoint) reads this while NATS does not answer the renewal.
			assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), scheduler::isLeader)).isTrue();
		}
		finally {
			natsAnswers.countDown();
			heartbeat.join(10_000);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void holderShouldTakeASnapshotAtItsNextHeartbeatWhenANodeAsksForOneAtMostOnceAMinute() {
		SnapshotScheduler scheduler = scheduler(Duration.ofHours(1), 0, 5);
		scheduler.tick();
		assertThat(this.store.list()).hasSize(1);
		this.clock.move(HEARTBEAT);
		scheduler.tick();
		assertThat(this.store.list()).as("nobody asked").hasSize(1);

		// Node 2 waits for a snapshot (none fits it) and asks for one.
		this.lease.request = Optional.of(new SnapshotLease.SnapshotRequest(2, this.clock.instant()));
		this.clock.move(HEARTBEAT);
		scheduler.tick();
		assertThat(this.store.list()).as("taken for node 2, not after the interval").hasSize(2);

		// It still waits (that one did not fit either) and asks again: not at every heartbeat.
		this.clock.move(Duration.ofSeconds(1));
		this.lease.request = Optional.of(new SnapshotLease.SnapshotRequest(2, this.clock.instant()));
		this.clock.move(HEARTBEAT);
		scheduler.tick();
		assertThat(this.store.list()).hasSize(2);
		this.clock.move(SnapshotScheduler.REQUEST_SPACING);
		scheduler.tick();
		assertThat(this.store.list()).hasSize(3);
		this.clock.move(SnapshotScheduler.REQUEST_SPACING);
		scheduler.tick();
		assertThat(this.store.list()).as("a request older than the newest snapshot").hasSize(3);
	}

	private SnapshotScheduler scheduler(Duration interval, long afterChanges, int keep) {
		SnapshotTaker taker = new SnapshotTaker(this.node.path(), 1, NodeFiles.SELECTION, this.blocker::get,
				this.dir.resolve("work"), this.clock);
		return new SnapshotScheduler(1, new SnapshotSaver(taker, this.store, keep), this.lease, interval, afterChanges,
				HEARTBEAT, this.changes::get, this.clock);
	}

	private static final class FakeLease implements SnapshotLease {

		final AtomicBoolean held = new AtomicBoolean(true);

		boolean released;

		/** Runs inside every renewal, e.g. to make it wait as a NATS request would. */
		volatile Runnable renewal = () -> {
		};

		@Override
		public boolean acquireOrRenew() {
			this.renewal.run();
			return this.held.get();
		}

		@Override
		public void release() {
			this.released = true;
		}

		volatile Optional<SnapshotRequest> request = Optional.empty();

		@Override
		public Optional<Long> holder() {
			return this.held.get() ? Optional.of(1L) : Optional.empty();
		}

		@Override
		public Optional<SnapshotRequest> request() {
			return this.request;
		}

	}

}
