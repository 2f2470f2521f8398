package io.harmonylite.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which snapshot a node restores, if any, by mode, schema hash and what the streams still hold.
 */
class SnapshotSelectorTests {

	private static final String HASH = "a".repeat(64);

	private static final String OTHER_HASH = "b".repeat(64);

	private static final String CREATED = "2025-01-01T00:00:00Z";

	private static final List<StreamState> STREAMS = List.of(new StreamState("s-0", CREATED, 500, 1000),
			new StreamState("s-1", CREATED, 1, 1000));

	private final SnapshotSelector auto = new SnapshotSelector(RestoreMode.AUTO);

	@Test
	void newestCompatibleSnapshotShouldBeChosen() {
		SnapshotMetadata newest = snapshot("newest", 3, OTHER_HASH, 900);
		SnapshotMetadata fits = snapshot("fits", 2, HASH, 800);
		SnapshotMetadata older = snapshot("older", 1, HASH, 700);
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(newest, fits, older), HASH, STREAMS))
			.isEqualTo(new RestoreDecision.Restore(fits));
	}

	@Test
	void snapshotWhosePositionTheStreamNoLongerHoldsShouldNotBeChosen() {
		SnapshotMetadata tooOld = snapshot("too-old", 2, HASH, 498);
		SnapshotMetadata justInTime = snapshot("just-in-time", 1, HASH, 499);
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(tooOld), HASH, STREAMS))
			.isInstanceOfSatisfying(RestoreDecision.Wait.class, (wait) -> assertThat(wait.reason())
				.contains("too-old is at sequence 498 of stream s-0, which now starts at 500"));
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(tooOld, justInTime), HASH, STREAMS))
			.isEqualTo(new RestoreDecision.Restore(justInTime));
	}

	@Test
	void snapshotBeyondTheEndOfAStreamShouldNotBeChosenSoThatAnOutdatedAnswerCannotLoopRestores() {
		// A server with an outdated copy of s-0 answers that it ends at 476; a node 'reset' there must not restore a
		// snapshot at 742, which would leave it beyond the end again and restore once more, rolling its tables back.
		List<StreamState> outdated = List.of(new StreamState("s-0", CREATED, 1, 476),
				new StreamState("s-1", CREATED, 1, 1000));
		SnapshotMetadata beyond = snapshot("beyond", 2, HASH, 742);
		SnapshotMetadata atTheEnd = snapshot("at-the-end", 1, HASH, 476);
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(beyond), HASH, outdated))
			.isInstanceOfSatisfying(RestoreDecision.Wait.class, (wait) -> assertThat(wait.reason())
				.contains("beyond is at sequence 742 of stream s-0, which ends at 476"));
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(beyond, atTheEnd), HASH, outdated))
			.isEqualTo(new RestoreDecision.Restore(atTheEnd));
	}

	@Test
	void snapshotOfAnEarlierIncarnationOfAStreamShouldNotBeChosen() {
		List<StreamState> recreated = List.of(new StreamState("s-0", "2025-06-01T00:00:00Z", 1, 1000));
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(snapshot("before", 1, HASH, 900)), HASH,
				recreated))
			.isInstanceOfSatisfying(RestoreDecision.Wait.class,
					(wait) -> assertThat(wait.reason()).contains("older incarnation of stream s-0"));
	}

	@Test
	void noFittingSnapshotShouldMakeTheNodeWaitAndSayWhy() {
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(snapshot("other", 1, OTHER_HASH, 900)), HASH,
				STREAMS))
			.isInstanceOfSatisfying(RestoreDecision.Wait.class, (wait) -> assertThat(wait.reason())
				.contains("other has schema hash bbbbbbbb, this node aaaaaaaa", "migrations"));
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(), HASH, STREAMS))
			.isInstanceOfSatisfying(RestoreDecision.Wait.class,
					(wait) -> assertThat(wait.reason()).contains("no snapshot exists"));
	}

	@Test
	void newNodeShouldProceedWithoutASnapshotWhenTheStreamsHoldEveryChange() {
		List<StreamState> whole = List.of(new StreamState("s-0", CREATED, 1, 0), new StreamState("s-1", CREATED, 0, 0));
		assertThat(this.auto.select(RestoreReason.NO_REPLICATION_STATE, List.of(), HASH, whole))
			.isInstanceOf(RestoreDecision.Proceed.class);
		assertThat(this.auto.select(RestoreReason.NO_REPLICATION_STATE, List.of(), HASH, STREAMS))
			.as("stream s-0 discarded changes").isInstanceOf(RestoreDecision.Wait.class);
	}

	@Test
	void newNodeShouldRestoreEvenWhenTheStreamsHoldEveryChange() {
		SnapshotMetadata fits = snapshot("fits", 1, HASH, 900);
		assertThat(this.auto.select(RestoreReason.NO_REPLICATION_STATE, List.of(fits), HASH,
				List.of(new StreamState("s-0", CREATED, 1, 1000))))
			.isEqualTo(new RestoreDecision.Restore(fits));
	}

	@Test
	void snapshotOfOtherStreamsShouldNotBeChosen() {
		SnapshotMetadata otherCluster = new SnapshotMetadata("other-cluster", 1, HASH, Map.of("x-0", 900L),
				Map.of("x-0", CREATED), Instant.parse(CREATED), 10, 30, "0".repeat(64), Map.of(), "v0.1.0");
		assertThat(this.auto.select(RestoreReason.STREAM_GAP, List.of(otherCluster), HASH, STREAMS))
			.isInstanceOfSatisfying(RestoreDecision.Wait.class,
					(wait) -> assertThat(wait.reason()).contains("other-cluster was taken for other streams (x-0)"));
	}

	@Test
	void modesShouldDecideWhichSituationsRestore() {
		List<SnapshotMetadata> snapshots = List.of(snapshot("fits", 1, HASH, 900));
		SnapshotSelector ifEmpty = new SnapshotSelector(RestoreMode.IF_EMPTY);
		SnapshotSelector never = new SnapshotSelector(RestoreMode.NEVER);
		assertThat(ifEmpty.select(RestoreReason.NO_REPLICATION_STATE, snapshots, HASH, STREAMS))
			.isInstanceOf(RestoreDecision.Restore.class);
		assertThat(ifEmpty.select(RestoreReason.STREAM_GAP, snapshots, HASH, STREAMS))
			.isInstanceOfSatisfying(RestoreDecision.Proceed.class,
					(proceed) -> assertThat(proceed.reason()).contains("harmonylite.snapshot.restore is if_empty"));
		assertThat(never.select(RestoreReason.NO_REPLICATION_STATE, snapshots, HASH, STREAMS))
			.isInstanceOf(RestoreDecision.Proceed.class);
		assertThat(never.select(RestoreReason.STREAM_GAP, snapshots, HASH, STREAMS))
			.isInstanceOf(RestoreDecision.Proceed.class);
	}

	private static SnapshotMetadata snapshot(String id, int minute, String hash, long position) {
		return new SnapshotMetadata(id, 1, hash, Map.of("s-0", position, "s-1", 0L), Map.of("s-0", CREATED),
				Instant.parse(CREATED).plusSeconds(60L * minute), 10, 30, "0".repeat(64), Map.of(), "v0.1.0");
	}

}
