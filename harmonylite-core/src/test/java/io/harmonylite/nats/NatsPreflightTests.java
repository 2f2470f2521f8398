package io.harmonylite.nats;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.harmonylite.ConfigException;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.nats.embedded.NatsPortInUseException;
import io.harmonylite.nats.embedded.NatsServerNotFoundException;
import io.harmonylite.testsupport.NatsTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link NatsPreflight} and the ready TLS context of {@link NatsConfig}.
 */
class NatsPreflightTests {

	@TempDir
	Path dir;

	@Test
	void takenEmbeddedPortShouldFailNamingThePort() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			int port = taken.getLocalPort();

			assertThatExceptionOfType(NatsPortInUseException.class)
				.isThrownBy(() -> NatsPreflight.check(embedded(NatsTestServer.BINARY, port), 2, db()))
				.satisfies((ex) -> assertThat(ex.port()).isEqualTo(port))
				.satisfies((ex) -> assertThat(ex.host()).isEqualTo("127.0.0.1"))
				.withMessageContaining("embedded nats-server of node 2")
				.withMessageContaining("already in use");
		}
	}

	@Test
	void takenClusterOrMonitoringPortShouldFailNamingTheProperty() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			int port = taken.getLocalPort();

			assertThatExceptionOfType(ConfigException.class)
				.isThrownBy(() -> NatsPreflight.check(embedded(new EmbeddedNatsConfig(NatsTestServer.BINARY, null, 0,
						"127.0.0.1:" + port, List.of(), "always", 1024 * 1024, 0)), 2, db()))
				.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.cluster-addr"))
				.withMessageContaining("127.0.0.1:" + port);
			assertThatExceptionOfType(ConfigException.class)
				.isThrownBy(() -> NatsPreflight.check(embedded(new EmbeddedNatsConfig(NatsTestServer.BINARY, null, 0,
						null, List.of(), "always", 1024 * 1024, port)), 2, db()))
				.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.monitor-port"));
		}
	}

	@Test
	void storeDirectoryThatCannotBeWrittenShouldFailNamingTheProperty() throws IOException {
		Path file = Files.writeString(this.dir.resolve("a-file"), "not a directory");

		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> NatsPreflight.check(embedded(new EmbeddedNatsConfig(NatsTestServer.BINARY,
					file.resolve("store"), 0, null, List.of())), 2, db()))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.store-dir"))
			.withMessageContaining("is not a writable directory");
	}

	@Test
	void storeDirectoryThatCannotBeCreatedAlthoughItsParentLooksWritableShouldFailNamingTheProperty() {
		// Root may write /proc as far as access rights go, but no directory can be created there.
		Path inProc = Path.of("/proc/harmonylite-preflight/nats");

		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> NatsPreflight.check(embedded(new EmbeddedNatsConfig(NatsTestServer.BINARY, inProc, 0,
					null, List.of())), 2, db()))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.store-dir"))
			.withMessageContaining("/proc");
	}

	@Test
	void configuredBinaryThatIsNoExecutableShouldFailNamingProperty() {
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> NatsPreflight.check(embedded(this.dir.resolve("nats-server"), 0), 1, db()))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.binary"));
	}

	@Test
	void unreadableNkeySeedFileShouldFailNamingProperty() {
		NatsConfig config = new NatsConfig(List.of("nats://127.0.0.1:4222"), null, null, null,
				this.dir.resolve("absent.nk"), null, null, null, 0, Duration.ofSeconds(1),
				EmbeddedNatsConfig.defaults());

		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> NatsPreflight.check(config, 1, db()))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.nkey-seed-file"));
	}

	@Test
	void embeddedServerOnAFreePortShouldPass() {
		assertThatNoException().isThrownBy(() -> NatsPreflight.check(embedded(NatsTestServer.BINARY, 0), 1, db()));
	}

	@Test
	void sslContextShouldReplacePemFilesAndKeepOtherSettings() throws Exception {
		SSLContext context = SSLContext.getDefault();
		NatsConfig config = NatsConfig.external("tls://nats:4222").withSslContext(context);

		assertThat(config.sslContext()).isSameAs(context);
		assertThat(config.urls()).containsExactly("tls://nats:4222");
		assertThat(config).hasToString("NatsConfig[urls=[tls://nats:4222], embedded=false, tls=context]");
	}

	@Test
	void sslContextWithPemFilesShouldFailNamingProperty() throws Exception {
		NatsConfig pem = new NatsConfig(List.of("tls://nats:4222"), null, null, null, null, this.dir.resolve("ca.pem"),
				null, null, 0, Duration.ofSeconds(1), EmbeddedNatsConfig.defaults());
		SSLContext context = SSLContext.getDefault();

		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> pem.withSslContext(context))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.tls.ca-file"))
			.withMessageContaining("not both");
	}

	private static NatsConfig embedded(Path binary, int port) {
		return embedded(new EmbeddedNatsConfig(binary, null, port, null, List.of()));
	}

	private static NatsConfig embedded(EmbeddedNatsConfig embedded) {
		return new NatsConfig(List.of(), null, null, null, null, null, null, null, 0, Duration.ofSeconds(1), embedded);
	}

	private Path db() {
		return this.dir.resolve("app.db");
	}

}
