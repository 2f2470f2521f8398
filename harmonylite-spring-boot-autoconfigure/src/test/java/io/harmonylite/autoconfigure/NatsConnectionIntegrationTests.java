package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.NodeState;
import io.harmonylite.testsupport.NatsTestServer;
import io.harmonylite.testsupport.TestCertificates;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured engine connects to real nats-servers that require TLS with client certificates, through a
 * Spring Boot SSL bundle or the deprecated PEM file properties, and to one that requires a password, with the
 * servers and credentials of an application's {@link NatsConnectionDetails}.
 */
class NatsConnectionIntegrationTests {

	/**
	 * For the connections that must succeed: a TLS handshake on a loaded machine can outlast the connection timeout
	 * (2 s), which a node retries; the failures are tested with no retry, so that they fail fast.
	 */
	private static final String RETRIES_UNDER_LOAD = "harmonylite.nats.connect-retries=3";

	@TempDir
	static Path certDir;

	private static TestCertificates certs;

	private static NatsTestServer mutualTlsServer;

	private static NatsTestServer passwordServer;

	@TempDir
	Path dir;

	@BeforeAll
	static void startServers() {
		certs = TestCertificates.create(certDir);
		mutualTlsServer = NatsTestServer.start("tls {\n  cert_file: \"" + certs.serverCert() + "\"\n  key_file: \""
				+ certs.serverKey() + "\"\n  ca_file: \"" + certs.caCert() + "\"\n  verify: true\n}\n");
		passwordServer = NatsTestServer
			.start("authorization {\n  user: harmonylite\n  password: \"s3cr3t-from-vault\"\n}\n");
	}

	@AfterAll
	static void stopServers() {
		for (NatsTestServer server : new NatsTestServer[] { mutualTlsServer, passwordServer }) {
			if (server != null) {
				server.close();
			}
		}
	}

	private ApplicationContextRunner contextRunner(String streamPrefix) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SslAutoConfiguration.class,
					HarmonyLiteAutoConfiguration.class))
			.withPropertyValues("harmonylite.node-id=1", "harmonylite.nats.connect-retries=0",
					"spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
					"harmonylite.replication.stream-prefix=" + streamPrefix,
					"harmonylite.replication.subject-prefix=" + streamPrefix + "-subject");
	}

	@Test
	void sslBundleShouldConnectWithAClientCertificate() {
		// The client key in PKCS#1 form ("BEGIN RSA PRIVATE KEY"), which Spring Boot's PEM support reads.
		contextRunner("bundle")
			.withPropertyValues(RETRIES_UNDER_LOAD, "harmonylite.nats.urls=tls://127.0.0.1:" + mutualTlsServer.port(),
					"harmonylite.nats.ssl.bundle=nats",
					"spring.ssl.bundle.pem.nats.truststore.certificate=" + uri(certs.caCert()),
					"spring.ssl.bundle.pem.nats.keystore.certificate=" + uri(certs.clientCert()),
					"spring.ssl.bundle.pem.nats.keystore.private-key=" + uri(certs.clientKeyPkcs1()))
			.run((context) -> assertConnectedTo(context, mutualTlsServer));
	}

	@Test
	void deprecatedPemFilesShouldConnectWithAClientCertificate() {
		// The EC client key in SEC1 form ("BEGIN EC PRIVATE KEY").
		contextRunner("pem")
			.withPropertyValues(RETRIES_UNDER_LOAD, "harmonylite.nats.urls=tls://127.0.0.1:" + mutualTlsServer.port(),
					"harmonylite.nats.tls.ca-file=" + certs.caCert(),
					"harmonylite.nats.tls.cert-file=" + certs.ecClientCert(),
					"harmonylite.nats.tls.key-file=" + certs.ecClientKey())
			.run((context) -> assertConnectedTo(context, mutualTlsServer));
	}

	@Test
	void sslBundleWithoutClientCertificateShouldBeRejected() {
		contextRunner("no-client-cert")
			.withPropertyValues("harmonylite.nats.urls=tls://127.0.0.1:" + mutualTlsServer.port(),
					"harmonylite.nats.ssl.bundle=nats",
					"spring.ssl.bundle.pem.nats.truststore.certificate=" + uri(certs.caCert()))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new NatsConnectionFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("TLS handshake failed")
					.contains("harmonylite.nats.ssl.bundle");
			});
	}

	@Test
	void applicationConnectionDetailsShouldSupplyServersAndCredentials() {
		NatsConnectionDetails fromVault = new NatsConnectionDetails() {

			@Override
			public List<String> getUrls() {
				return List.of(passwordServer.url());
			}

			@Override
			public @Nullable String getUsername() {
				return "harmonylite";
			}

			@Override
			public @Nullable String getPassword() {
				return "s3cr3t-from-vault";
			}

		};
		// The properties name no server and no password: the application's bean wins.
		contextRunner("details").withPropertyValues(RETRIES_UNDER_LOAD)
			.withBean(NatsConnectionDetails.class, () -> fromVault)
			.run((context) -> assertConnectedTo(context, passwordServer));
	}

	private static void assertConnectedTo(AssertableApplicationContext context, NatsTestServer server) {
		assertThat(context).hasNotFailed();
		EngineStatus status = context.getBean(HarmonyLiteEngine.class).status();
		assertThat(status.state()).isEqualTo(NodeState.RUNNING);
		assertThat(status.nats().connected()).isTrue();
		assertThat(status.nats().servers()).singleElement().asString().endsWith(":" + server.port());
	}

	private static String uri(Path file) {
		return file.toUri().toString();
	}

}
