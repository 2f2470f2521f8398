package io.harmonylite.nats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.ConfigException;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.testsupport.FreePorts;
import io.harmonylite.testsupport.NatsTestServer;
import io.harmonylite.testsupport.TestCertificates;
import io.nats.client.Connection;
import io.nats.client.NKey;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link NatsConnector} against real {@code nats-server}s that require each authentication method and TLS.
 */
class NatsConnectorIntegrationTests {

	private static final Duration WAIT = Duration.ofMillis(100);

	@TempDir
	static Path certDir;

	private static TestCertificates certs;

	private static NatsTestServer tlsServer;

	private static NatsTestServer mutualTlsServer;

	@TempDir
	Path dir;

	@BeforeAll
	static void startTlsServers() {
		certs = TestCertificates.create(certDir);
		tlsServer = NatsTestServer.start("tls {\n  cert_file: \"" + certs.serverCert() + "\"\n  key_file: \""
				+ certs.serverKey() + "\"\n}\n");
		mutualTlsServer = NatsTestServer.start("tls {\n  cert_file: \"" + certs.serverCert() + "\"\n  key_file: \""
				+ certs.serverKey() + "\"\n  ca_file: \"" + certs.caCert() + "\"\n  verify: true\n}\n");
	}

	@AfterAll
	static void stopTlsServers() {
		if (tlsServer != null) {
			tlsServer.close();
		}
		if (mutualTlsServer != null) {
			mutualTlsServer.close();
		}
	}

	@Test
	void connectWithUserAndPasswordShouldPublish() throws Exception {
		try (NatsTestServer server = NatsTestServer.start("authorization {\n  user: alice\n  password: s3cret\n}\n")) {
			NatsConnector connector = new NatsConnector(config(server, "alice", "s3cret", null, null, 0), 7);
			try (Connection connection = connector.connect()) {
				assertRoundTrip(connection);
				assertThat(connection.getOptions().getConnectionName()).isEqualTo("harmonylite-node-7");
			}
		}
	}

	@Test
	void connectWithWrongPasswordShouldFailAfterRetriesWithAuthorizationMessage() {
		try (NatsTestServer server = NatsTestServer.start("authorization {\n  user: alice\n  password: s3cret\n}\n")) {
			NatsConnector connector = new NatsConnector(config(server, "alice", "wrong", null, null, 1), 1);
			long started = System.nanoTime();
			assertThatExceptionOfType(NatsConnectionException.class).isThrownBy(connector::connect)
				.withMessageContaining(server.url())
				.withMessageContaining("after 2 attempts")
				.withMessageContaining("authorization violation")
				.withMessageContaining("harmonylite.nats.user/password")
				.withMessageContaining("remove harmonylite.nats.urls");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(WAIT);
		}
	}

	@Test
	void connectWithTokenShouldPublish() throws Exception {
		try (NatsTestServer server = NatsTestServer.start("authorization {\n  token: \"t0ken-42\"\n}\n")) {
			NatsConnector connector = new NatsConnector(config(server, null, null, "t0ken-42", null, 0), 1);
			try (Connection connection = connector.connect()) {
				assertRoundTrip(connection);
			}
			NatsConnector wrong = new NatsConnector(config(server, null, null, "other", null, 0), 1);
			assertThatExceptionOfType(NatsConnectionException.class).isThrownBy(wrong::connect)
				.withMessageContaining("authorization violation")
				.withMessageContaining("harmonylite.nats.token");
		}
	}

	@Test
	void connectWithNkeySeedFileShouldPublish() throws Exception {
		NKey user = NKey.createUser(new SecureRandom());
		Path seedFile = this.dir.resolve("user.nk");
		Files.writeString(seedFile, new String(user.getSeed()) + "\n");
		try (NatsTestServer server = NatsTestServer
			.start("authorization {\n  users: [\n    { nkey: " + new String(user.getPublicKey()) + " }\n  ]\n}\n")) {
			NatsConnector connector = new NatsConnector(config(server, null, null, null, seedFile, 0), 1);
			try (Connection connection = connector.connect()) {
				assertRoundTrip(connection);
			}
		}
	}

	@Test
	void nkeySeedFileWithoutSeedShouldFailNamingProperty() throws IOException {
		Path seedFile = this.dir.resolve("empty.nk");
		Files.writeString(seedFile, "not a seed\n");
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> new NatsConnector(config(List.of("nats://127.0.0.1:4222"), null, null, null, seedFile,
					null, null, null, 0), 1))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.nkey-seed-file"));
	}

	@Test
	void connectWithTlsCaFileShouldPublish() throws Exception {
		NatsConnector connector = new NatsConnector(
				config(List.of(tlsServer.url()), null, null, null, null, certs.caCert(), null, null, 0), 1);
		try (Connection connection = connector.connect()) {
			assertRoundTrip(connection);
			assertThat(connection.getServerInfo().isTLSRequired()).isTrue();
		}
	}

	@Test
	void connectWithUntrustedServerCertificateShouldFailWithTlsMessage() {
		NatsConnector connector = new NatsConnector(
				config(List.of(tlsServer.url()), null, null, null, null, certs.otherCaCert(), null, null, 1), 1);
		assertThatExceptionOfType(NatsConnectionException.class).isThrownBy(connector::connect)
			.withMessageContaining("after 2 attempts")
			.withMessageContaining("TLS handshake failed")
			.withMessageContaining("harmonylite.nats.tls.ca-file");
	}

	@Test
	void connectWithMutualTlsShouldPublishWithPkcs8Pkcs1AndEcKeys() throws Exception {
		for (Path[] pair : new Path[][] { { certs.clientCert(), certs.clientKey() },
				{ certs.clientCert(), certs.clientKeyPkcs1() }, { certs.ecClientCert(), certs.ecClientKey() } }) {
			NatsConnector connector = new NatsConnector(config(List.of(mutualTlsServer.url()), null, null, null, null,
					certs.caCert(), pair[0], pair[1], 0), 1);
			try (Connection connection = connector.connect()) {
				assertRoundTrip(connection);
			}
		}
	}

	@Test
	void connectWithoutClientCertificateWhenServerVerifiesClientsShouldFailWithTlsMessage() {
		NatsConnector connector = new NatsConnector(
				config(List.of(mutualTlsServer.url()), null, null, null, null, certs.caCert(), null, null, 0), 1);
		assertThatExceptionOfType(NatsConnectionException.class).isThrownBy(connector::connect)
			.withMessageContaining("TLS")
			.withMessageContaining("harmonylite.nats.tls.cert-file");
	}

	@Test
	void missingTlsKeyFileShouldFailNamingProperty() {
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> new NatsConnector(config(List.of(mutualTlsServer.url()), null, null, null, null,
					certs.caCert(), certs.clientCert(), this.dir.resolve("missing.key"), 0), 1))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.tls.key-file"))
			.withMessageContaining("missing.key");
	}

	@Test
	void connectToUnreachableServerShouldFailAfterRetriesWithRefusedMessage() {
		String url = "nats://127.0.0.1:" + FreePorts.one();
		NatsConnector connector = new NatsConnector(config(List.of(url), null, null, null, null, null, null, null, 1),
				1);
		assertThatExceptionOfType(NatsConnectionException.class).isThrownBy(connector::connect)
			.withMessageContaining(url)
			.withMessageContaining("after 2 attempts")
			.withMessageContaining("connection refused")
			.withMessageContaining("Check harmonylite.nats.urls");
	}

	@Test
	void serverRestartShouldReconnectAutomaticallyAndBeCounted() throws Exception {
		try (NatsTestServer server = NatsTestServer.start()) {
			AtomicInteger reconnected = new AtomicInteger();
			AtomicInteger disconnected = new AtomicInteger();
			NatsConnector connector = new NatsConnector(config(server, null, null, null, null, 0), 3,
					new NatsConnectionListener() {

						@Override
						public void disconnected(String url) {
							disconnected.incrementAndGet();
						}

						@Override
						public void reconnected(String url) {
							reconnected.incrementAndGet();
						}

					});
			try (Connection connection = connector.connect()) {
				assertRoundTrip(connection);
				server.kill();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> connection.getStatus() != Connection.Status.CONNECTED);
				server.restart();
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
					assertThat(connector.reconnectCount()).isEqualTo(1);
					assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
				});
				assertThat(connector.disconnectCount()).isEqualTo(1);
				assertThat(reconnected).hasValue(1);
				assertThat(disconnected).hasValue(1);
				assertRoundTrip(connection);
			}
		}
	}

	private static void assertRoundTrip(Connection connection) throws Exception {
		String subject = "check." + System.nanoTime();
		io.nats.client.Subscription subscription = connection.subscribe(subject);
		connection.publish(subject, "ping".getBytes());
		connection.flush(Duration.ofSeconds(5));
		assertThat(subscription.nextMessage(Duration.ofSeconds(5))).isNotNull()
			.satisfies((message) -> assertThat(new String(message.getData())).isEqualTo("ping"));
		subscription.unsubscribe();
	}

	private static NatsConfig config(NatsTestServer server, @Nullable String user, @Nullable String password,
			@Nullable String token, @Nullable Path seed, int retries) {
		return config(List.of(server.url()), user, password, token, seed, null, null, null, retries);
	}

	private static NatsConfig config(List<String> urls, @Nullable String user, @Nullable String password,
			@Nullable String token, @Nullable Path seed, @Nullable Path ca, @Nullable Path cert, @Nullable Path key,
			int retries) {
		return new NatsConfig(urls, user, password, token, seed, ca, cert, key, retries, WAIT,
				EmbeddedNatsConfig.defaults());
	}

}
