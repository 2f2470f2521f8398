package io.harmonylite.apply;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamGap}: which missing messages are a gap, and what the operator is told.
 */
class StreamGapTests {

	private static final String STREAM = "changes-0";

	private final List<String> confirmed = new ArrayList<>();

	@Test
	void streamHoldingTheNextMessageShouldHaveNoGap() {
		assertThat(find(5, new StreamState(1, 9, "a"), true)).isNull();
		assertThat(find(9, new StreamState(1, 9, "a"), true)).isNull();
		assertThat(find(0, new StreamState(1, 0, "a"), true)).isNull();
		assertThat(this.confirmed).containsExactly("a", "a", "a");
	}

	@Test
	void streamEndingBeforeThePositionShouldBeAResetAndNotRecordItsIdentity() {
		StreamGap gap = find(7, new StreamState(1, 2, "new"), true);

		assertThat(gap).isNotNull();
		assertThat(gap.describe()).contains("stream changes-0 ends at sequence 2, before sequence 7", "re-created")
			.contains("__harmonylite__apply_position");
		assertThat(this.confirmed).isEmpty();
	}

	@Test
	void streamWithAnotherIdentityShouldBeRecreated() {
		StreamGap gap = find(3, new StreamState(1, 9, "2025-01-02T00:00:00Z"), false);

		assertThat(gap).isNotNull();
		assertThat(gap.describe()).contains("deleted and re-created since this node applied sequence 3",
				"created at 2025-01-02T00:00:00Z");
	}

	@Test
	void streamThatDroppedMessagesNotAppliedShouldBeTruncated() {
		StreamGap gap = find(3, new StreamState(10, 20, "a"), true);

		assertThat(gap).isNotNull();
		assertThat(gap.describe()).contains("no longer holds sequences 4 to 9", "first available 10")
			.contains("harmonylite.replication.max-entries");
	}

	@Test
	void nextMessageDeletedFromTheMiddleShouldBeAGap() {
		StreamGap gap = StreamGap.find(STREAM, 3, new StreamState(1, 9, "a"), (identity) -> true,
				(sequence) -> sequence != 4);

		assertThat(gap).isNotNull();
		assertThat(gap.describe()).contains("no longer holds sequence 4", "deleted")
			.contains("set the stream's sequence in __harmonylite__apply_position to 4");
	}

	@Test
	void everyRemedyShouldPointToTheProcedureByHandAndNeverToSnapshots() {
		List<StreamGap> gaps = List.of(StreamGap.truncated(STREAM, 1, 5), StreamGap.reset(STREAM, 5, 1),
				StreamGap.recreated(STREAM, 5, "t"), StreamGap.deleted(STREAM, 5));

		assertThat(gaps).allSatisfy((gap) -> assertThat(gap.describe()).contains("docs/operations.md")
			.doesNotContainIgnoringCase("snapshot"));
	}

	private StreamGap find(long applied, StreamState state, boolean sameStream) {
		return StreamGap.find(STREAM, applied, state, (identity) -> {
			this.confirmed.add(identity);
			return sameStream;
		}, (sequence) -> true);
	}

}
