package io.harmonylite.nats.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.harmonylite.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link EmbeddedServerSupervisor} restarts a real nats-server killed with SIGKILL on the same port, a closed
 * supervisor restarts nothing, and a server restarted on purpose ({@code rejoin}) is not taken for a crashed one.
 */
class EmbeddedServerSupervisorIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	@Test
	void killedServerShouldBeRestartedOnTheSamePortAndClosedSupervisorShouldRestartNothing() {
		int port = FreePorts.one();
		EmbeddedNatsServer server = server(port);
		EmbeddedServerSupervisor supervisor = supervisor(server);
		try {
			supervisor.start();
			long first = server.pid();
			assertThat(supervisor.state()).isEqualTo(EmbeddedServerState.RUNNING);

			ProcessHandle.of(first).orElseThrow().destroyForcibly();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(supervisor.restarts()).isEqualTo(1);
				assertThat(supervisor.state()).isEqualTo(EmbeddedServerState.RUNNING);
			});
			assertThat(server.pid()).isNotEqualTo(first);
			assertThat(server.clientUrl()).isEqualTo("nats://127.0.0.1:" + port);
			assertThat(server.logTail()).isNotEmpty();
		}
		finally {
			supervisor.close();
		}
		assertThat(supervisor.state()).isEqualTo(EmbeddedServerState.STOPPED);
		await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> !server.isRunning()
				&& FreePorts.isFree(port));
		assertThat(supervisor.restarts()).isEqualTo(1);
	}

	@Test
	void rejoinShouldRestartTheServerOnceWithoutTakingTheOldProcessForACrash() {
		EmbeddedNatsServer server = server(FreePorts.one());
		EmbeddedServerSupervisor supervisor = supervisor(server);
		try {
			supervisor.start();
			long first = server.pid();

			supervisor.rejoin("JetStream is not ready after 20 s");

			long second = server.pid();
			assertThat(second).isNotEqualTo(first);
			assertThat(ProcessHandle.of(first)).isEmpty();
			// The old process' exit reaches the supervisor after the restart: it must not restart the server again.
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
				assertThat(supervisor.state()).isEqualTo(EmbeddedServerState.RUNNING);
				assertThat(server.pid()).isEqualTo(second);
			});
			assertThat(supervisor.restarts()).isEqualTo(1);
		}
		finally {
			supervisor.close();
		}
	}

	private EmbeddedNatsServer server(int port) {
		return new EmbeddedNatsServer(new EmbeddedNatsConfig(null, this.dir.resolve("store"), port, null, List.of()), 4,
				this.dir.resolve("app.db"));
	}

	private static EmbeddedServerSupervisor supervisor(EmbeddedNatsServer server) {
		return new EmbeddedServerSupervisor(server, 4, Duration.ofMillis(50), Duration.ofMillis(200));
	}

}
