package io.harmonylite.nats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.nats.JetStreamWatchdog.Look;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the node restarts its embedded server because JetStream keeps answering "temporarily unavailable": after
 * {@link JetStreamWatchdog#UNAVAILABLE_FOR} of such answers, then ever less often while they go on.
 */
class JetStreamWatchdogTests {

	private static final Duration INTERVAL = JetStreamWatchdog.INTERVAL;

	private final MovableClock clock = new MovableClock(Instant.parse("2026-11-30T10:00:00Z"));

	private final List<String> restarts = new ArrayList<>();

	private Look look = Look.ANSWERS;

	private final JetStreamWatchdog watchdog = new JetStreamWatchdog(1, () -> this.look, this.restarts::add,
			this.clock);

	@Test
	void jetStreamThatAnswersShouldRestartNothing() {
		lookFor(Duration.ofMinutes(5));

		assertThat(this.restarts).isEmpty();
	}

	@Test
	void unavailableForLessThanTheLimitShouldRestartNothing() {
		this.look = Look.UNAVAILABLE;
		lookFor(JetStreamWatchdog.UNAVAILABLE_FOR.minus(INTERVAL));
		this.look = Look.ANSWERS;
		lookFor(INTERVAL);
		this.look = Look.UNAVAILABLE;
		lookFor(JetStreamWatchdog.UNAVAILABLE_FOR.minus(INTERVAL));

		assertThat(this.restarts).isEmpty();
	}

	@Test
	void unavailableForTheLimitShouldRestartTheServerAndSayWhy() {
		this.look = Look.UNAVAILABLE;

		lookFor(JetStreamWatchdog.UNAVAILABLE_FOR.plus(INTERVAL));

		assertThat(this.restarts).singleElement()
			.satisfies((reason) -> assertThat(reason).contains("\"temporarily unavailable\" for 30 s")
				.contains("check the other nodes"));
	}

	@Test
	void serverThatDoesNotAnswerShouldBeLeftAlone() {
		// Frozen, or down while its supervisor restarts it.
		this.look = Look.NO_ANSWER;

		lookFor(Duration.ofMinutes(5));

		assertThat(this.restarts).isEmpty();
	}

	@Test
	void unavailabilityThatLastsShouldRestartEverLessOften() {
		this.look = Look.UNAVAILABLE;

		lookFor(Duration.ofMinutes(30));

		// After 30 s, then at least 30, 60, 120, 240, 480 and 600 s (the most) apart.
		assertThat(this.restarts).hasSize(7);
	}

	@Test
	void jetStreamThatAnsweredAgainShouldStartTheSpacingAfresh() {
		this.look = Look.UNAVAILABLE;
		lookFor(Duration.ofMinutes(4));
		assertThat(this.restarts).hasSize(3);
		this.look = Look.ANSWERS;
		lookFor(INTERVAL);

		this.look = Look.UNAVAILABLE;
		lookFor(JetStreamWatchdog.UNAVAILABLE_FOR.plus(INTERVAL));

		assertThat(this.restarts).hasSize(4);
	}

	@Test
	void restartForAnotherReasonShouldCountAsTheLastRestart() {
		this.watchdog.restartNow("stream creation is not ready after 20 s");
		this.look = Look.UNAVAILABLE;

		lookFor(JetStreamWatchdog.UNAVAILABLE_FOR);
		assertThat(this.restarts).containsExactly("stream creation is not ready after 20 s");
		lookFor(INTERVAL.multipliedBy(2));

		assertThat(this.restarts).hasSize(2);
	}

	private void lookFor(Duration duration) {
		for (Duration looked = Duration.ZERO; looked.compareTo(duration) < 0; looked = looked.plus(INTERVAL)) {
			this.watchdog.run();
			this.clock.move(INTERVAL);
		}
	}

}
