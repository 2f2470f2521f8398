package io.harmonylite.nats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import io.harmonylite.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Builds an {@link SSLContext} from PEM files as {@code nats-server} uses them: CA certificates, a client certificate
 * chain, and its private key in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}) form.
 */
final class PemSslContexts {

	static final String CA_PROPERTY = "harmonylite.nats.tls.ca-file";

	static final String CERT_PROPERTY = "harmonylite.nats.tls.cert-file";

	static final String KEY_PROPERTY = "harmonylite.nats.tls.key-file";

	private static final Pattern PEM_BLOCK = Pattern
		.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

	private static final char[] IN_MEMORY_PASSWORD = new char[0];

	/** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
	private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");

	/** DER of the OID id-ecPublicKey (1.2.840.10045.2.1). */
	private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

	private PemSslContexts() {
	}

	/**
	 * Creates the context.
	 * @param caFile CA certificates to trust, or {@code null} for the JVM's default trust store
	 * @param certFile the client certificate chain for mutual TLS, or {@code null}
	 * @param keyFile the client key, set exactly when {@code certFile} is
	 * @return the context
	 * @throws ConfigException naming the property when a file is missing or cannot be read as PEM
	 */
	static SSLContext create(@Nullable Path caFile, @Nullable Path certFile, @Nullable Path keyFile) {
		try {
			TrustManager[] trustManagers = null;
			if (caFile != null) {
				KeyStore trustStore = emptyKeyStore();
				List<Certificate> cas = certificates(CA_PROPERTY, caFile);
				for (int i = 0; i < cas.size(); i++) {
					trustStore.setCertificateEntry("ca-" + i, cas.get(i));
				}
				TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
				tmf.init(trustStore);
				trustManagers = tmf.getTrustManagers();
			}
			KeyManager[] keyManagers = null;
			if (certFile != null && keyFile != null) {
				List<Certificate> chain = certificates(CERT_PROPERTY, certFile);
				PrivateKey key = privateKey(keyFile);
				KeyStore keyStore = emptyKeyStore();
				keyStore.setKeyEntry("client", key, IN_MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
				KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				kmf.init(keyStore, IN_MEMORY_PASSWORD);
				keyManagers = kmf.getKeyManagers();
			}
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers, trustManagers, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new ConfigException((certFile != null) ? CERT_PROPERTY : CA_PROPERTY,
					"could not build the TLS context from " + describe(caFile, certFile, keyFile) + ": "
							+ ex.getMessage());
		}
	}

	private static String describe(@Nullable Path caFile, @Nullable Path certFile, @Nullable Path keyFile) {
		return "ca-file=" + caFile + ", cert-file=" + certFile + ", key-file=" + keyFile;
	}

	private static KeyStore emptyKeyStore() throws GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try {
			store.load(null, null);
		}
		catch (IOException ex) {
			throw new GeneralSecurityException(ex);
		}
		return store;
	}

	private static List<Certificate> certificates(String property, Path file) {
		byte[] content = read(property, file);
		try (InputStream in = new java.io.ByteArrayInputStream(content)) {
			Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
				.generateCertificates(in);
			if (certificates.isEmpty()) {
				throw new ConfigException(property, "'" + file + "' holds no certificate; expected PEM "
						+ "'-----BEGIN CERTIFICATE-----' blocks");
			}
			return new ArrayList<>(certificates);
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new ConfigException(property, "'" + file + "' is not a PEM certificate file: " + ex.getMessage());
		}
	}

	private static PrivateKey privateKey(Path file) {
		String text = new String(read(KEY_PROPERTY, file), StandardCharsets.US_ASCII);
		Matcher matcher = PEM_BLOCK.matcher(text);
		while (matcher.find()) {
			String type = matcher.group(1);
			byte[] der;
			try {
				der = Base64.getMimeDecoder().decode(matcher.group(2));
			}
			catch (IllegalArgumentException ex) {
				throw new ConfigException(KEY_PROPERTY, "'" + file + "' has a malformed " + type + " block");
			}
			switch (type) {
				case "PRIVATE KEY":
					return pkcs8(file, der, "RSA", "EC", "Ed25519", "Ed448");
				case "RSA PRIVATE KEY":
					return pkcs8(file, sequence(integerZero(), RSA_ALGORITHM, octetString(der)), "RSA");
				case "EC PRIVATE KEY":
					byte[] curve = sec1CurveOid(file, der);
					return pkcs8(file, sequence(integerZero(), sequence(EC_PUBLIC_KEY_OID, curve), octetString(der)),
							"EC");
				case "ENCRYPTED PRIVATE KEY":
					throw new ConfigException(KEY_PROPERTY, "'" + file + "' is encrypted; HarmonyLite needs an "
							+ "unencrypted key (decrypt it with 'openssl pkcs8 -in " + file + " -out <new file>').");
				default:
					// Skips other blocks, e.g. EC PARAMETERS written before the key.
			}
		}
		throw new ConfigException(KEY_PROPERTY, "'" + file + "' holds no PEM private key; expected a "
				+ "'-----BEGIN PRIVATE KEY-----', 'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY' block");
	}

	private static PrivateKey pkcs8(Path file, byte[] der, String... algorithms) {
		PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
		for (String algorithm : algorithms) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(spec);
			}
			catch (GeneralSecurityException ex) {
				// Tries the next algorithm; PKCS#8 does not say which one up front without parsing the DER.
			}
		}
		throw new ConfigException(KEY_PROPERTY, "'" + file + "' holds a private key that is not RSA, EC or EdDSA, "
				+ "or is damaged");
	}

	/**
	 * Finds the named-curve OID in a SEC1 {@code ECPrivateKey}: {@code SEQUENCE { version, privateKey OCTET STRING,
	 * [0] parameters, [1] publicKey }}.
	 */
	private static byte[] sec1CurveOid(Path file, byte[] der) {
		int[] sequence = header(der, 0);
		int position = sequence[0];
		int end = Math.min(der.length, position + sequence[1]);
		while (position < end) {
			int tag = der[position] & 0xff;
			int[] element = header(der, position);
			if (tag == 0xa0) {
				int[] oid = header(der, element[0]);
				if ((der[element[0]] & 0xff) == 0x06) {
					byte[] encoded = new byte[oid[0] - element[0] + oid[1]];
					System.arraycopy(der, element[0], encoded, 0, encoded.length);
					return encoded;
				}
			}
			position = element[0] + element[1];
		}
		throw new ConfigException(KEY_PROPERTY, "'" + file + "' is an EC key without a named curve; convert it to "
				+ "PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out <new file>'");
	}

	/** Returns {offset of the content, content length} of the DER element starting at {@code position}. */
	private static int[] header(byte[] der, int position) {
		int lengthByte = der[position + 1] & 0xff;
		if (lengthByte < 0x80) {
			return new int[] { position + 2, lengthByte };
		}
		int count = lengthByte & 0x7f;
		int length = 0;
		for (int i = 0; i < count; i++) {
			length = (length << 8) | (der[position + 2 + i] & 0xff);
		}
		return new int[] { position + 2 + count, length };
	}

	private static byte[] integerZero() {
		return new byte[] { 0x02, 0x01, 0x00 };
	}

	private static byte[] octetString(byte[] content) {
		return element(0x04, content);
	}

	private static byte[] sequence(byte[]... parts) {
		ByteArrayOutputStream content = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			content.writeBytes(part);
		}
		return element(0x30, content.toByteArray());
	}

	private static byte[] element(int tag, byte[] content) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(tag);
		int length = content.length;
		if (length < 0x80) {
			out.write(length);
		}
		else {
			int bytes = (length > 0xffffff) ? 4 : (length > 0xffff) ? 3 : (length > 0xff) ? 2 : 1;
			out.write(0x80 | bytes);
			for (int i = bytes - 1; i >= 0; i--) {
				out.write(length >>> (8 * i));
			}
		}
		out.writeBytes(content);
		return out.toByteArray();
	}

	private static byte[] read(String property, Path file) {
		if (!Files.isRegularFile(file)) {
			throw new ConfigException(property, "'" + file + "' does not exist or is not a file");
		}
		try {
			return Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new ConfigException(property, "'" + file + "' cannot be read: " + ex.getMessage());
		}
	}

	private static byte[] hex(String hex) {
		byte[] bytes = new byte[hex.length() / 2];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
		}
		return bytes;
	}

}
