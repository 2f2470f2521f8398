package io.harmonylite.replicate;

import java.time.Duration;

import io.harmonylite.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ReplicationConfigTests {

	@Test
	void defaultsShouldBoundClockSkewToTenSecondsAndKeepTombstonesForSevenDays() {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		assertThat(defaults.maxClockSkew()).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.tombstoneRetention()).isEqualTo(Duration.ofDays(7));
	}

	@Test
	void maxClockSkewThatIsNotAPositiveDurationOfAtMostADayShouldFailNamingTheProperty() {
		for (Duration invalid : new Duration[] { Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(2) }) {
			assertThatExceptionOfType(ConfigException.class)
				.isThrownBy(() -> ReplicationConfig.defaults().withConflicts(invalid, Duration.ofDays(7)))
				.withMessageContaining("harmonylite.replication.max-clock-skew");
		}
	}

	@Test
	void maxAgeShorterThanTheDuplicateWindowShouldFailNamingThePropertyAndTheWindow() {
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> ReplicationConfig.defaults().withMaxAge(Duration.ofMinutes(1)))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.replication.max-age"))
			.withMessageContaining("at least 2m")
			.withMessageContaining("duplicate window");
		assertThat(ReplicationConfig.defaults().withMaxAge(Duration.ofMinutes(2)).maxAge())
			.isEqualTo(Duration.ofMinutes(2));
		assertThat(ReplicationConfig.defaults().withMaxAge(Duration.ZERO).maxAge()).isZero();
	}

	@Test
	void tombstoneRetentionShorterThanAMinuteShouldFailNamingTheProperty() {
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> ReplicationConfig.defaults().withConflicts(Duration.ofSeconds(10), Duration.ofSeconds(5)))
			.withMessageContaining("harmonylite.replication.tombstone-retention");
	}

}
