package io.harmonylite.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.harmonylite.ConfigException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * Adapts {@link HarmonyLiteProperties} to {@link NatsConnectionDetails}: TLS comes from the SSL bundle named by
 * {@code harmonylite.nats.ssl.bundle}, or from the deprecated {@code harmonylite.nats.tls.*} PEM files, read as a
 * PEM bundle would read them.
 */
class PropertiesNatsConnectionDetails implements NatsConnectionDetails {

	static final String BUNDLE_PROPERTY = "harmonylite.nats.ssl.bundle";

	private final HarmonyLiteProperties.Nats properties;

	private final @Nullable SslBundles sslBundles;

	PropertiesNatsConnectionDetails(HarmonyLiteProperties properties, @Nullable SslBundles sslBundles) {
		this.properties = properties.getNats();
		this.sslBundles = sslBundles;
	}

	@Override
	public List<String> getUrls() {
		return this.properties.getUrls();
	}

	@Override
	public @Nullable String getUsername() {
		return this.properties.getUser();
	}

	@Override
	public @Nullable String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public @Nullable String getToken() {
		return this.properties.getToken();
	}

	@Override
	public @Nullable Path getNkeySeedFile() {
		return this.properties.getNkeySeedFile();
	}

	@Override
	@SuppressWarnings("deprecation") // Reads the deprecated PEM file properties, until they are removed.
	public @Nullable SslBundle getSslBundle() {
		String bundle = this.properties.getSsl().getBundle();
		HarmonyLiteProperties.Tls files = this.properties.getTls();
		boolean pemFiles = files.getCaFile() != null || files.getCertFile() != null;
		if (bundle != null && pemFiles) {
			throw new ConfigException(BUNDLE_PROPERTY, "cannot be combined with the deprecated harmonylite.nats.tls.* "
					+ "files; move them to spring.ssl.bundle.pem." + bundle + ".* and remove harmonylite.nats.tls.*");
		}
		if (bundle != null) {
			return namedBundle(bundle);
		}
		return pemFiles ? pemFilesBundle(files) : null;
	}

	private SslBundle namedBundle(String name) {
		if (this.sslBundles == null) {
			throw new ConfigException(BUNDLE_PROPERTY, "names '" + name + "', but the application has no SSL bundles");
		}
		try {
			return this.sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new ConfigException(BUNDLE_PROPERTY, "names '" + name + "', which is not a configured SSL bundle; "
					+ "define it, e.g. spring.ssl.bundle.pem." + name + ".truststore.certificate=<CA file>");
		}
	}

	@SuppressWarnings("deprecation")
	private static SslBundle pemFilesBundle(HarmonyLiteProperties.Tls files) {
		PemSslStoreDetails trustStore = (files.getCaFile() != null)
				? PemSslStoreDetails.forCertificates(location("harmonylite.nats.tls.ca-file", files.getCaFile())) : null;
		PemSslStoreDetails keyStore = null;
		if (files.getCertFile() != null || files.getKeyFile() != null) {
			if (files.getCertFile() == null || files.getKeyFile() == null) {
				throw new ConfigException((files.getCertFile() == null) ? "harmonylite.nats.tls.cert-file"
						: "harmonylite.nats.tls.key-file", "the client certificate and key must be set together");
			}
			keyStore = PemSslStoreDetails
				.forCertificates(location("harmonylite.nats.tls.cert-file", files.getCertFile()))
				.withPrivateKey(location("harmonylite.nats.tls.key-file", files.getKeyFile()));
		}
		try {
			PemSslStoreBundle stores = new PemSslStoreBundle(keyStore, trustStore);
			// Reads the files now, so that a bad file fails the startup naming the properties.
			stores.getKeyStore();
			stores.getTrustStore();
			return SslBundle.of(stores);
		}
		catch (RuntimeException ex) {
			throw new ConfigException((keyStore != null) ? "harmonylite.nats.tls.cert-file"
					: "harmonylite.nats.tls.ca-file", "could not read the PEM files (ca-file=" + files.getCaFile()
							+ ", cert-file=" + files.getCertFile() + ", key-file=" + files.getKeyFile() + "): "
							+ ex.getMessage());
		}
	}

	private static String location(String property, Path file) {
		if (!Files.isRegularFile(file)) {
			throw new ConfigException(property, "'" + file + "' does not exist or is not a file");
		}
		return file.toAbsolutePath().toUri().toString();
	}

}
