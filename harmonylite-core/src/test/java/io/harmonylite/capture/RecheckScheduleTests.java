package io.harmonylite.capture;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecheckSchedule}.
 */
class RecheckScheduleTests {

	private static final long NONE = Long.MAX_VALUE / 2;

	private static final long FIRST = RecheckSchedule.FIRST.toNanos();

	private final RecheckSchedule schedule = new RecheckSchedule();

	@Test
	void eventWhoseCommitIsAlreadyVisibleGetsOneMoreLookOnly() {
		this.schedule.fileEvent(0, true);
		assertThat(this.schedule.nextAt(NONE)).isEqualTo(FIRST);
		this.schedule.looked(FIRST, false);
		assertThat(this.schedule.nextAt(NONE)).as("no more rechecks").isEqualTo(NONE);
	}

	@Test
	void commitNotVisibleYetIsLookedForEveryQuarterMillisecondForTwoMillisecondsThenAtDoublingIntervals() {
		this.schedule.fileEvent(0, false);
		List<Long> intervals = new ArrayList<>();
		long last = 0;
		for (long next = this.schedule.nextAt(NONE); next != NONE; next = this.schedule.nextAt(NONE)) {
			intervals.add(next - last);
			last = next;
			this.schedule.looked(next, false);
		}
		List<Long> expected = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			expected.add(FIRST);
		}
		for (long interval = 2 * FIRST; interval <= RecheckSchedule.LAST.toNanos(); interval *= 2) {
			expected.add(interval);
		}
		assertThat(intervals).isEqualTo(expected);
		assertThat(last).as("rechecks go on for over a second when no commit shows").isGreaterThan(1_000_000_000L);
	}

	@Test
	void changeFoundByARecheckEndsTheRechecksAfterOneMoreLook() {
		this.schedule.fileEvent(0, false);
		this.schedule.looked(FIRST, false);
		this.schedule.looked(2 * FIRST, true);
		assertThat(this.schedule.nextAt(NONE)).isEqualTo(3 * FIRST);
		this.schedule.looked(3 * FIRST, false);
		assertThat(this.schedule.nextAt(NONE)).isEqualTo(NONE);
	}

	@Test
	void lookBeforeTheRecheckIsDueLeavesTheScheduleAsItWas() {
		this.schedule.fileEvent(0, false);
		this.schedule.looked(FIRST / 2, true);
		assertThat(this.schedule.nextAt(NONE)).isEqualTo(FIRST);
	}

	@Test
	void pollDueBeforeTheNextRecheckComesFirst() {
		this.schedule.fileEvent(0, false);
		assertThat(this.schedule.nextAt(FIRST / 2)).isEqualTo(FIRST / 2);
		assertThat(new RecheckSchedule().nextAt(123)).as("nothing scheduled").isEqualTo(123);
	}

}
