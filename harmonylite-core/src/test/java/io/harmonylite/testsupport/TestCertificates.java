package io.harmonylite.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PEM test certificates made with the {@code openssl} CLI at test time: a CA, a server certificate for 127.0.0.1 and
 * localhost, client certificates with keys in PKCS#8, PKCS#1 (RSA) and SEC1 (EC) form, and an unrelated CA.
 *
 * @param caCert the CA certificate that signed the others
 * @param serverCert the server certificate
 * @param serverKey the server key
 * @param clientCert the RSA client certificate
 * @param clientKey the RSA client key in PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param clientKeyPkcs1 the same RSA client key in PKCS#1 ({@code BEGIN RSA PRIVATE KEY})
 * @param ecClientCert the EC client certificate
 * @param ecClientKey the EC client key in SEC1 form ({@code BEGIN EC PRIVATE KEY})
 * @param otherCaCert a CA that signed nothing here, to provoke verification failures
 * @since 0.1.0
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
		Path clientKeyPkcs1, Path ecClientCert, Path ecClientKey, Path otherCaCert) {

	/**
	 * Creates a fresh set of certificates.
	 * @param dir the directory to write them to
	 * @return the files
	 */
	public static TestCertificates create(Path dir) {
		Path ca = dir.resolve("ca.pem");
		Path caKey = dir.resolve("ca.key");
		openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out",
				ca.toString(), "-days", "3650", "-subj", "/CN=HarmonyLite Test CA");
		Path other = dir.resolve("other-ca.pem");
		openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("other-ca.key").toString(),
				"-out", other.toString(), "-days", "3650", "-subj", "/CN=Unrelated Test CA");

		Path serverKey = dir.resolve("server.key");
		Path serverCert = dir.resolve("server.pem");
		openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", serverKey.toString());
		sign(dir, serverKey, serverCert, "/CN=localhost", ca, caKey,
				"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");

		Path clientKey = dir.resolve("client.key");
		Path clientCert = dir.resolve("client.pem");
		openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", clientKey.toString());
		sign(dir, clientKey, clientCert, "/CN=harmonylite-client", ca, caKey, "extendedKeyUsage=clientAuth\n");
		Path clientKeyPkcs1 = dir.resolve("client-pkcs1.key");
		openssl(dir, "rsa", "-in", clientKey.toString(), "-traditional", "-out", clientKeyPkcs1.toString());

		Path ecKey = dir.resolve("client-ec.key");
		Path ecCert = dir.resolve("client-ec.pem");
		openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ecKey.toString());
		sign(dir, ecKey, ecCert, "/CN=harmonylite-ec-client", ca, caKey, "extendedKeyUsage=clientAuth\n");
		return new TestCertificates(ca, serverCert, serverKey, clientCert, clientKey, clientKeyPkcs1, ecCert, ecKey,
				other);
	}

	private static void sign(Path dir, Path key, Path cert, String subject, Path ca, Path caKey, String extensions) {
		Path csr = dir.resolve(cert.getFileName() + ".csr");
		Path ext = dir.resolve(cert.getFileName() + ".ext");
		try {
			Files.writeString(ext, extensions, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		openssl(dir, "req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
		openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
				"-CAcreateserial", "-days", "3650", "-extfile", ext.toString(), "-out", cert.toString());
	}

	private static void openssl(Path dir, String... args) {
		List<String> command = new ArrayList<>();
		command.add("openssl");
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("openssl failed: " + command + "\n" + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run openssl (apt-get install openssl): " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running openssl", ex);
		}
	}

}
