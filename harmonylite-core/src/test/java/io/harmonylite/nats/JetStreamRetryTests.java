package io.harmonylite.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.ApiResponse;
import io.nats.client.support.JsonParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link JetStreamRetry}: transient JetStream failures are retried until the deadline, others fail at once.
 */
class JetStreamRetryTests {

	private static final String CHECK = "Check the cluster.";

	private final JetStreamRetry retry = new JetStreamRetry(Duration.ofSeconds(5), CHECK, Duration.ofMillis(1),
			Duration.ofMillis(5));

	@Test
	void temporarilyUnavailableAndTimeoutsShouldBeRetriedUntilTheCallSucceeds() throws Exception {
		AtomicInteger attempts = new AtomicInteger();
		String result = this.retry.call("create stream s", () -> switch (attempts.incrementAndGet()) {
			case 1 -> throw apiError(503, 10008, "JetStream system temporarily unavailable");
			case 2 -> throw new IOException("Timeout or no response waiting for NATS JetStream server");
			case 3 -> throw apiError(500, 10009, "JetStream cluster can not handle request");
			default -> "created";
		});
		assertThat(result).isEqualTo("created");
		assertThat(attempts).hasValue(4);
	}

	@Test
	void failureThatIsNotTransientShouldBeThrownAtOnce() {
		AtomicInteger attempts = new AtomicInteger();
		assertThatExceptionOfType(JetStreamApiException.class)
			.isThrownBy(() -> this.retry.call("read stream s", () -> {
				attempts.incrementAndGet();
				throw apiError(404, 10059, "stream not found");
			}))
			.satisfies((ex) -> assertThat(ex.getApiErrorCode()).isEqualTo(10059));
		assertThat(attempts).hasValue(1);
	}

	@Test
	void callStillUnavailableAtTheDeadlineShouldFailNamingTheCallTheLastErrorAndWhatToCheck() {
		JetStreamRetry short_ = new JetStreamRetry(Duration.ofMillis(500), CHECK, Duration.ofMillis(5),
				Duration.ofMillis(5));
		AtomicInteger attempts = new AtomicInteger();
		assertThatExceptionOfType(JetStreamNotReadyException.class)
			.isThrownBy(() -> short_.call("create stream s", () -> {
				attempts.incrementAndGet();
				throw apiError(503, 10008, "JetStream system temporarily unavailable");
			}))
			.withMessageStartingWith("Could not create stream s: JetStream did not answer within 0 s (")
			.withMessageContaining("last: JetStream system temporarily unavailable [10008]")
			.withMessageEndingWith(CHECK);
		assertThat(attempts.get()).isGreaterThan(1);
	}

	@Test
	void callShouldBeGivenUpBeforeTheDeadlineOnceWaitingCannotHelp() {
		AtomicInteger attempts = new AtomicInteger();
		JetStreamRetry hopeless = new JetStreamRetry(Duration.ofMinutes(5), CHECK, Duration.ofMillis(1),
				Duration.ofMillis(1))
			.givingUpWhen(() -> attempts.get() >= 3);
		assertThatExceptionOfType(JetStreamNotReadyException.class)
			.isThrownBy(() -> hopeless.call("create stream s", () -> {
				attempts.incrementAndGet();
				throw apiError(503, 10008, "JetStream system temporarily unavailable");
			}))
			.withMessageStartingWith("Could not create stream s: gave up after 3 attempt(s)");
		assertThat(attempts).hasValue(3);
		assertThat(hopeless.withDeadline(Duration.ofMinutes(1)).deadline()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void noRespondersAndLeaderElectionsShouldBeTransientButMissingStreamsAndConflictsShouldNot() {
		assertThat(JetStreamRetry.isTransient(apiError(503, -1, "No Responders Available For Request"))).isTrue();
		assertThat(JetStreamRetry.isTransient(apiError(503, 10023, "insufficient resources"))).isTrue();
		assertThat(JetStreamRetry.isTransient(apiError(500, 10118, "stream is offline"))).isTrue();
		assertThat(JetStreamRetry.isTransient(new IOException("Timeout or no response"))).isTrue();
		assertThat(JetStreamRetry.isTransient(apiError(400, 10058, "stream name already in use"))).isFalse();
		assertThat(JetStreamRetry.isTransient(apiError(404, 10059, "stream not found"))).isFalse();
	}

	private static JetStreamApiException apiError(int code, int apiCode, String description) {
		String json = "{\"error\":{\"code\":" + code + ",\"err_code\":" + apiCode + ",\"description\":\""
				+ description + "\"}}";
		return new JetStreamApiException(new ApiResponse<Void>(JsonParser.parseUnchecked(json)) {
		});
	}

}
