package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the node restarts its embedded server for a stuck replica (at once, then spaced out: 2, 4, 8, 10, 10 min) and
 * what it reports meanwhile.
 */
class StuckReplicaHealerTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-11-30T08:00:00Z"));

	private final List<String> restarts = new ArrayList<>();

	private List<String> stuck = List.of();

	private boolean storeFull;

	private boolean allCurrent;

	private final StuckReplicaHealer healer = new StuckReplicaHealer(3, () -> this.stuck, () -> this.allCurrent,
			() -> "0 MB free in /data", () -> this.storeFull, this.restarts::add, this.clock);

	@Test
	void nothingStuckShouldRestartNothingAndReportNothing() {
		this.healer.run();
		assertThat(this.restarts).isEmpty();
		assertThat(this.healer.problems()).isEmpty();
	}

	@Test
	void stuckReplicaShouldRestartTheServerAtOnceThenSpacedOutUpToTenMinutes() {
		this.stuck = List.of("KV_harmonylite-schema-registry (not current)");
		this.healer.run();
		assertThat(this.restarts).containsExactly("its replica of KV_harmonylite-schema-registry (not current) does "
				+ "not catch up (0 MB free in /data)");
		for (int minutes : new int[] { 1, 2, 4, 8, 10, 10 }) {
			int before = this.restarts.size();
			this.clock.move(Duration.ofMinutes(minutes).minusSeconds(30));
			this.healer.run();
			assertThat(this.restarts).as("restarts %d min after the last", minutes).hasSize(before);
			this.clock.move(Duration.ofSeconds(30));
			this.healer.run();
			assertThat(this.restarts).hasSize(before + 1);
		}
	}

	@Test
	void replicaStuckAgainAfterTheGraceOfEachRestartShouldKeepTheSpacingGrowing() {
		// Right after a restart the server is not judged (the stuck list is empty) until it has run for the silence.
		for (int minutes : new int[] { 1, 2, 4 }) {
			this.stuck = List.of("harmonylite-changes-0 (not current)");
			this.healer.run();
			int restarted = this.restarts.size();
			this.stuck = List.of();
			this.clock.move(Duration.ofSeconds(30));
			this.healer.run();
			this.stuck = List.of("harmonylite-changes-0 (not current)");
			this.clock.move(Duration.ofMinutes(minutes).minusSeconds(30));
			this.healer.run();
			assertThat(this.restarts).as("restarted again %d min after the last", minutes).hasSize(restarted + 1);
		}
		this.clock.move(Duration.ofMinutes(4));
		this.healer.run();
		assertThat(this.restarts).as("the next pause is 8 min").hasSize(4);
	}

	@Test
	void serverWhoseStoreIsFullShouldBeRestartedOnlyOnceThereIsRoomAndAtOnceThen() {
		this.stuck = List.of("harmonylite-changes-0 (unknown to this node's server)");
		this.storeFull = true;
		this.healer.run();
		this.clock.move(Duration.ofMinutes(30));
		this.healer.run();
		assertThat(this.restarts).as("a restart on a full store would fail").isEmpty();
		assertThat(this.healer.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem.reason()).contains("store is full", "free disk space"));
		this.storeFull = false;
		this.clock.move(Duration.ofSeconds(30));
		this.healer.run();
		assertThat(this.restarts).hasSize(1);
	}

	@Test
	void replicasCurrentAgainAfterTheRestartShouldEndTheProblemAtOnce() {
		this.stuck = List.of("harmonylite-changes-0 (harmonylite-node-2 seen 75 s ago)");
		this.healer.run();
		assertThat(this.restarts).hasSize(1);
		this.stuck = List.of();
		this.clock.move(StuckReplicaHealer.INTERVAL);
		this.healer.run();
		assertThat(this.healer.problems()).as("not judged yet, not current yet").hasSize(1);

		this.allCurrent = true;
		this.clock.move(StuckReplicaHealer.INTERVAL);
		this.healer.run();

		assertThat(this.healer.problems()).as("its leader has it current again").isEmpty();
	}

	@Test
	void stuckReplicaShouldBeReportedUntilItCatchesUpAndItsSpacingStartOverWhenStuckAgain() {
		this.stuck = List.of("harmonylite-changes-0 (harmonylite-node-2 seen 75 s ago)");
		this.healer.run();
		assertThat(this.healer.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.REPLICA_STUCK);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DEGRADED);
			assertThat(problem.reason()).contains("harmonylite-changes-0", "one copy fewer", "0 MB free in /data",
					"disables JetStream");
			assertThat(problem.since()).isEqualTo(this.clock.instant());
		});
		Instant since = this.clock.instant();
		// The restarted server is not judged for its first minute: the problem stands, since it was first found.
		this.stuck = List.of();
		this.clock.move(Duration.ofSeconds(30));
		this.healer.run();
		assertThat(this.healer.problems()).singleElement().extracting(EngineStatus.Problem::since).isEqualTo(since);
		this.clock.move(StuckReplicaHealer.JUDGED_AFTER_RESTART);
		this.healer.run();
		assertThat(this.healer.problems()).as("judged since, and caught up").isEmpty();
		// Stuck again after none was for longer than the longest pause: the spacing starts over from the first pause.
		this.stuck = List.of("harmonylite-changes-0 (not current)");
		this.clock.move(Duration.ofMinutes(9));
		this.healer.run();
		assertThat(this.restarts).hasSize(2);
		this.clock.move(Duration.ofMinutes(2).minusSeconds(30));
		this.healer.run();
		assertThat(this.restarts).hasSize(2);
		this.clock.move(Duration.ofSeconds(30));
		this.healer.run();
		assertThat(this.restarts).as("2 min (twice the first pause) after the last").hasSize(3);
	}

}
