package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.security.KeyStoreException;
import java.util.List;

import io.harmonylite.ConfigException;
import io.harmonylite.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PropertiesNatsConnectionDetails}.
 */
class PropertiesNatsConnectionDetailsTests {

	@TempDir
	Path dir;

	private final HarmonyLiteProperties properties = new HarmonyLiteProperties();

	private final DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();

	@Test
	void serversAndCredentialsShouldComeFromProperties() {
		this.properties.getNats().setUrls(List.of("nats://a:4222", "nats://b:4222"));
		this.properties.getNats().setUser("harmonylite");
		this.properties.getNats().setPassword("secret");
		this.properties.getNats().setToken("t0k3n");
		this.properties.getNats().setNkeySeedFile(Path.of("/etc/harmonylite/seed.nk"));

		NatsConnectionDetails details = details();

		assertThat(details.getUrls()).containsExactly("nats://a:4222", "nats://b:4222");
		assertThat(details.getUsername()).isEqualTo("harmonylite");
		assertThat(details.getPassword()).isEqualTo("secret");
		assertThat(details.getToken()).isEqualTo("t0k3n");
		assertThat(details.getNkeySeedFile()).isEqualTo(Path.of("/etc/harmonylite/seed.nk"));
	}

	@Test
	void withoutTlsSettingsShouldHaveNoSslBundle() {
		assertThat(details().getSslBundle()).isNull();
	}

	@Test
	void sslBundleShouldBeLookedUpByName() {
		SslBundle bundle = SslBundle.systemDefault();
		this.bundles.registerBundle("nats", bundle);
		this.properties.getNats().getSsl().setBundle("nats");

		assertThat(details().getSslBundle()).isSameAs(bundle);
	}

	@Test
	void unknownSslBundleShouldFailNamingProperty() {
		this.properties.getNats().getSsl().setBundle("missing");

		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> details().getSslBundle())
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.ssl.bundle"))
			.withMessageContaining("'missing', which is not a configured SSL bundle")
			.withMessageContaining("spring.ssl.bundle.pem.missing");
	}

	@Test
	@SuppressWarnings("deprecation")
	void sslBundleWithPemFilesShouldFailNamingProperty() {
		this.properties.getNats().getSsl().setBundle("nats");
		this.properties.getNats().getTls().setCaFile(this.dir.resolve("ca.pem"));

		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> details().getSslBundle())
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.ssl.bundle"))
			.withMessageContaining("cannot be combined with the deprecated harmonylite.nats.tls.*");
	}

	@Test
	@SuppressWarnings("deprecation")
	void deprecatedPemFilesShouldBeReadAsABundle() throws KeyStoreException {
		TestCertificates certs = TestCertificates.create(this.dir);
		this.properties.getNats().getTls().setCaFile(certs.caCert());
		this.properties.getNats().getTls().setCertFile(certs.ecClientCert());
		this.properties.getNats().getTls().setKeyFile(certs.ecClientKey());

		SslBundle bundle = details().getSslBundle();

		assertThat(bundle).isNotNull();
		assertThat(bundle.getStores().getTrustStore().size()).isOne();
		assertThat(bundle.getStores().getKeyStore().size()).isOne();
		assertThat(bundle.createSslContext()).isNotNull();
	}

	@Test
	@SuppressWarnings("deprecation")
	void missingPemFileShouldFailNamingProperty() {
		this.properties.getNats().getTls().setCaFile(this.dir.resolve("absent.pem"));

		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> details().getSslBundle())
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.tls.ca-file"))
			.withMessageContaining("absent.pem' does not exist");
	}

	@Test
	@SuppressWarnings("deprecation")
	void certificateWithoutKeyShouldFailNamingProperty() {
		TestCertificates certs = TestCertificates.create(this.dir);
		this.properties.getNats().getTls().setCertFile(certs.clientCert());

		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> details().getSslBundle())
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.tls.key-file"));
	}

	private PropertiesNatsConnectionDetails details() {
		return new PropertiesNatsConnectionDetails(this.properties, this.bundles);
	}

}
