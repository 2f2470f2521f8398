package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MigrationProtocol} on a fake node and a clock the test moves.
 */
class MigrationProtocolTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T12:00:00Z"));

	private final MigrationProtocol protocol = new MigrationProtocol(1, this.clock);

	private final FakeNode node = new FakeNode();

	@Test
	void beforeWithoutARunningNodeShouldOnlyRemoveTheTriggersOffline() {
		List<String> offline = new ArrayList<>();

		this.protocol.before(null, () -> offline.add("removed"));

		assertThat(offline).containsExactly("removed");
		assertThat(this.protocol.inProgress()).isFalse();
	}

	@Test
	void beforeShouldSendWhatIsPendingThenRemoveTheTriggers() {
		this.node.pending = 3;

		this.protocol.before(this.node, () -> {
			throw new AssertionError("the node runs");
		});

		assertThat(this.node.calls).containsExactly("wake", "await", "wake", "await", "wake", "await", "hold", "remove");
		assertThat(this.protocol.inProgress()).isTrue();
	}

	@Test
	void beforeShouldStopWaitingAtTheDeadlineOfTheClock() {
		this.node.pending = Long.MAX_VALUE;
		this.node.sendsOnWake = false;

		this.protocol.before(this.node, () -> {
		});

		// Each wait moves the clock 10 s: the third leaves it at the 30 s deadline.
		assertThat(this.node.calls).containsExactly("wake", "await", "wake", "await", "wake", "await", "hold", "remove");
	}

	@Test
	void beforeOnANodeThatDoesNotPublishShouldNotWait() {
		this.node.pending = 5;
		this.node.publishes = false;

		this.protocol.before(this.node, () -> {
		});

		assertThat(this.node.calls).containsExactly("hold", "remove");
	}

	@Test
	void migrationShouldHoldCaptureOffUntilAfterMigration() {
		this.protocol.before(this.node, () -> {
		});
		this.clock.move(Duration.ofMinutes(9));
		assertThat(this.protocol.inProgress()).isTrue();

		this.protocol.after(this.node);

		assertThat(this.protocol.inProgress()).isFalse();
		// The changes from the cluster wait until the new schema's hash is known.
		assertThat(this.node.calls).containsExactly("hold", "remove", "recompute", "release");
	}

	@Test
	void migrationThatNeverFinishesShouldReleaseCaptureAfterTenMinutes() {
		this.protocol.before(this.node, () -> {
		});

		this.clock.move(MigrationProtocol.MIGRATION_TIMEOUT);

		assertThat(this.protocol.inProgress()).isFalse();
		assertThat(this.protocol.inProgress()).isFalse();
		assertThat(this.node.calls).containsExactly("hold", "remove", "release");
	}

	@Test
	void aSecondBeforeShouldNotLeaveTheFirstHoldBehind() {
		this.protocol.before(this.node, () -> {
		});
		this.protocol.before(this.node, () -> {
		});

		this.protocol.after(this.node);

		assertThat(this.node.calls).containsExactly("hold", "remove", "release", "hold", "remove", "recompute",
				"release");
	}

	@Test
	void afterWithoutARunningNodeShouldOnlyLetTheApplyLoopGoOn() {
		this.protocol.before(this.node, () -> {
		});

		this.protocol.after(null);

		assertThat(this.protocol.inProgress()).isFalse();
		assertThat(this.node.calls).containsExactly("hold", "remove", "release");
	}

	private final class FakeNode implements MigrationProtocol.Target {

		private final List<String> calls = new ArrayList<>();

		private long pending;

		private boolean publishes = true;

		private boolean sendsOnWake = true;

		@Override
		public boolean publishes() {
			return this.publishes;
		}

		@Override
		public long pendingChanges() {
			return this.pending;
		}

		@Override
		public void wakePublisher() {
			this.calls.add("wake");
			if (this.sendsOnWake) {
				this.pending--;
			}
		}

		@Override
		public void awaitDatabaseChange(Duration timeout) {
			this.calls.add("await");
			MigrationProtocolTests.this.clock.move(Duration.ofSeconds(10));
		}

		@Override
		public ApplyLoop.Pause holdApply() {
			this.calls.add("hold");
			return () -> this.calls.add("release");
		}

		@Override
		public void removeTriggers() {
			this.calls.add("remove");
		}

		@Override
		public void recomputeSchema() {
			this.calls.add("recompute");
		}

	}

}
