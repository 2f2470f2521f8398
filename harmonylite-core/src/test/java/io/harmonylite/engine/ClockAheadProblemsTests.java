package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.harmonylite.event.Version;
import io.harmonylite.testsupport.CapturedLogs;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose local versions run more than a day ahead of the time is told that nobody takes its changes.
 */
class ClockAheadProblemsTests {

	@RegisterExtension
	final CapturedLogs logs = CapturedLogs.of(ClockAheadProblems.class);

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T04:00:00Z"));

	private long lastLocalVersion;

	private Optional<Duration> aheadOfServers = Optional.empty();

	private final ClockAheadProblems problems = new ClockAheadProblems(() -> this.lastLocalVersion, this.clock,
			() -> this.aheadOfServers, Duration.ofMinutes(1));

	@Test
	void clockMoreThanADayAheadOfTheServersShouldBeReportedWhileItIs() {
		// A clock two days ahead: its versions are no further ahead of it, but everyone else refuses them.
		this.lastLocalVersion = Version.hlcOf(this.clock.instant().toEpochMilli());
		this.aheadOfServers = Optional.of(Duration.ofHours(23));
		assertThat(this.problems.problems()).as("ahead, but not refused").extracting(EngineStatus.Problem::kind)
			.containsExactly(EngineStatus.ProblemKind.CLOCK_AHEAD);
		this.aheadOfServers = Optional.of(Duration.ofHours(48));
		assertThat(this.problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CLOCK_FAR_AHEAD);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
			assertThat(problem.reason()).contains("48 h ahead of its NATS servers' clock", "refuse");
		});
		this.aheadOfServers = Optional.of(Duration.ofMillis(-3));
		assertThat(this.problems.problems()).isEmpty();
	}

	@Test
	void clockAheadOfTheServersByMoreThanTheMaxSkewShouldBeReportedAsAheadWhileItIs() {
		this.aheadOfServers = Optional.of(Duration.ofSeconds(50));
		assertThat(this.problems.problems()).as("within the skew").isEmpty();
		this.aheadOfServers = Optional.of(Duration.ofHours(2));
		assertThat(this.problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CLOCK_AHEAD);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DEGRADED);
			assertThat(problem.reason()).contains("7200 s ahead of its NATS servers' clock", "max-clock-skew (60 s)",
					"NTP", "when the other nodes report CLOCK_AHEAD by about as much");
		});
		this.problems.problems();
		assertThat(this.logs.messages(Level.WARN)).as("once, when it starts").singleElement()
			.asString()
			.startsWith("CLOCK_AHEAD: this node's clock is 7200 s ahead");
		this.aheadOfServers = Optional.of(Duration.ofSeconds(59));
		assertThat(this.problems.problems()).isEmpty();
		this.aheadOfServers = Optional.empty();
		assertThat(this.problems.problems()).isEmpty();
		this.aheadOfServers = Optional.of(Duration.ofSeconds(61));
		assertThat(this.problems.problems()).hasSize(1);
		assertThat(this.logs.messages(Level.INFO)).as("not within the skew by a margin, or not measured").isEmpty();
		assertThat(this.logs.messages(Level.WARN)).as("so no WARN again either").hasSize(1);
		this.aheadOfServers = Optional.of(Duration.ofSeconds(1));
		assertThat(this.problems.problems()).isEmpty();
		assertThat(this.logs.messages(Level.INFO)).singleElement().asString().contains("within");
	}

	@Test
	void clockThatWentFarAheadShouldNotBeSaidToBeWithinTheSkewWhileItsVersionsAreRefused() {
		this.aheadOfServers = Optional.of(Duration.ofHours(2));
		this.problems.problems();
		this.lastLocalVersion = Version.hlcOf(this.clock.instant().plus(Duration.ofHours(30)).toEpochMilli());
		assertThat(this.problems.problems()).extracting(EngineStatus.Problem::kind)
			.containsExactly(EngineStatus.ProblemKind.CLOCK_FAR_AHEAD);
		assertThat(this.logs.messages(Level.INFO)).isEmpty();
	}

	@Test
	void noLocalChangeOrVersionsWithinADayShouldBeNoProblem() {
		assertThat(this.problems.problems()).isEmpty();
		this.lastLocalVersion = Version.hlcOf(this.clock.instant().plus(Duration.ofHours(23)).toEpochMilli());
		assertThat(this.problems.problems()).isEmpty();
	}

	@Test
	void versionsMoreThanADayAheadShouldBeReportedUntilTheTimeCatchesUp() {
		this.lastLocalVersion = Version.hlcOf(this.clock.instant().plus(Duration.ofHours(48)).toEpochMilli());
		assertThat(this.problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.CLOCK_FAR_AHEAD);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
			assertThat(problem.reason()).contains("48 h ahead", "refuse", "2026-12-03T04:00:00Z");
		});
		this.clock.move(Duration.ofHours(25));
		assertThat(this.problems.problems()).isEmpty();
	}

	@Test
	void theProblemShouldBeLoggedOnceWhenItAppearsAndWhenItClears() {
		this.lastLocalVersion = Version.hlcOf(this.clock.instant().plus(Duration.ofHours(48)).toEpochMilli());
		this.problems.problems();
		this.problems.problems();
		this.clock.move(Duration.ofHours(25));
		this.problems.problems();
		this.problems.problems();
		assertThat(this.logs.events()).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.INFO);
		assertThat(this.logs.events().get(0).getFormattedMessage()).startsWith("CLOCK_FAR_AHEAD: ").contains("48 h ahead");
	}

}
