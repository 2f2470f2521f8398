package io.harmonylite.conflict;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CommitFloor}: a change was committed after the latest look that did not see it.
 */
class CommitFloorTests {

	private final CommitFloor floor = new CommitFloor();

	@Test
	void changeShouldBeFlooredAtTheLatestLookThatDidNotSeeIt() {
		this.floor.looked(10, 1_000);
		this.floor.looked(10, 1_050);
		this.floor.looked(12, 1_100);
		assertThat(this.floor.of(10)).as("seen by the first look: nothing known").isZero();
		assertThat(this.floor.of(11)).isEqualTo(1_050);
		assertThat(this.floor.of(12)).isEqualTo(1_050);
		assertThat(this.floor.of(13)).isEqualTo(1_100);
	}

	@Test
	void looksNoPendingChangeNeedsShouldBeForgottenAndOddOnesStartOver() {
		this.floor.looked(10, 1_000);
		this.floor.looked(12, 1_100);
		this.floor.looked(15, 1_200);
		this.floor.recordedThrough(13);
		assertThat(this.floor.of(14)).isEqualTo(1_100);
		assertThat(this.floor.of(11)).as("forgotten").isZero();
		// The log emptied by hand: its ids start over, and so do the looks.
		this.floor.looked(2, 1_300);
		assertThat(this.floor.of(3)).isEqualTo(1_300);
		assertThat(this.floor.of(16)).isEqualTo(1_300);
	}

}
