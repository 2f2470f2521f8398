package io.harmonylite.autoconfigure;

import java.io.IOException;
import java.net.BindException;
import java.util.List;

import io.harmonylite.nats.JetStreamNotReadyException;
import io.harmonylite.nats.NatsConnectionException;
import io.harmonylite.nats.embedded.NatsPortInUseException;
import io.harmonylite.nats.embedded.NatsServerNotFoundException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.context.ApplicationContextException;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the failure analyzers of NATS startup failures: each names the property to change.
 */
class NatsFailureAnalyzersTests {

	@Test
	void portInUseShouldNameTheEmbeddedPortProperty() {
		FailureAnalysis analysis = new NatsPortInUseFailureAnalyzer().analyze(startFailure(
				new NatsPortInUseException("127.0.0.1", 4222, "port taken", new BindException("in use"))));

		assertThat(analysis.getDescription()).contains("client port 4222 on 127.0.0.1 is already in use");
		assertThat(analysis.getAction()).contains("port 4222").contains("harmonylite.nats.embedded.port");
	}

	@Test
	void missingNatsServerShouldNameTheBinaryAndUrlsProperties() {
		FailureAnalysis analysis = new NatsServerNotFoundFailureAnalyzer()
			.analyze(startFailure(new NatsServerNotFoundException("nats-server was not found in [/usr/bin]")));

		assertThat(analysis.getDescription()).contains("no nats-server executable").contains("[/usr/bin]");
		assertThat(analysis.getAction()).contains("apt-get install nats-server")
			.contains("harmonylite.nats.embedded.binary")
			.contains("harmonylite.nats.urls");
	}

	@Test
	void unreachableNatsShouldNameTheUrlsAndRetryProperties() {
		FailureAnalysis analysis = new NatsConnectionFailureAnalyzer().analyze(startFailure(new NatsConnectionException(
				"Could not connect to NATS at [nats://db:4222] after 6 attempts: the connection was refused",
				new IOException("Connection refused"))));

		assertThat(analysis.getDescription()).contains("could not connect to NATS").contains("nats://db:4222");
		assertThat(analysis.getAction()).contains("harmonylite.nats.urls")
			.contains("harmonylite.nats.connect-retries")
			.contains("harmonylite.nats.ssl.bundle");
	}

	@Test
	void jetStreamNotReadyShouldNameTheClusterProperties() {
		FailureAnalysis analysis = new JetStreamNotReadyFailureAnalyzer().analyze(startFailure(
				new JetStreamNotReadyException("JetStream did not become ready within 60 s", new IOException("503"))));

		assertThat(analysis.getDescription()).contains("JetStream did not become ready within 60 s");
		assertThat(analysis.getAction()).contains("-js")
			.contains("harmonylite.nats.embedded.cluster-peers")
			.contains("harmonylite.replication.replicas");
	}

	@Test
	void analyzersShouldBeRegistered() {
		// Spring Boot's own analyzers need constructor arguments; only whether ours load matters here.
		List<String> registered = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, (type, implementation, failure) -> {
			})
			.stream()
			.map((analyzer) -> analyzer.getClass().getSimpleName())
			.toList();

		assertThat(registered).contains("NatsPortInUseFailureAnalyzer", "NatsServerNotFoundFailureAnalyzer",
				"NatsConnectionFailureAnalyzer", "JetStreamNotReadyFailureAnalyzer", "ConfigExceptionFailureAnalyzer");
	}

	/** As the engine's failures reach the analyzers: wrapped by the context that failed to start the engine. */
	private static Throwable startFailure(RuntimeException cause) {
		return new ApplicationContextException("Failed to start bean 'harmonyLiteEngineStartStopLifecycle'", cause);
	}

}
