package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the node restarts its embedded server for a stuck replica: at once, then not again for ten minutes.
 */
class StuckReplicaHealerTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-11-30T08:00:00Z"));

	private final List<String> restarts = new ArrayList<>();

	private List<String> stuck = List.of();

	private final StuckReplicaHealer healer = new StuckReplicaHealer(3, () -> this.stuck, this.restarts::add,
			this.clock);

	@Test
	void nothingStuckShouldRestartNothing() {
		this.healer.run();
		assertThat(this.restarts).isEmpty();
	}

	@Test
	void stuckReplicaShouldRestartTheServerOnceAndAgainOnlyAfterThePause() {
		this.stuck = List.of("KV_harmonylite-schema-registry (not current)");
		this.healer.run();
		assertThat(this.restarts).containsExactly("its replica of KV_harmonylite-schema-registry (not current) does "
				+ "not catch up");
		this.clock.move(Duration.ofMinutes(9));
		this.healer.run();
		assertThat(this.restarts).hasSize(1);
		this.clock.move(Duration.ofMinutes(1));
		this.healer.run();
		assertThat(this.restarts).hasSize(2);
	}

}
