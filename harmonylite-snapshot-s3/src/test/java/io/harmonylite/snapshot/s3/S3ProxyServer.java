package io.harmonylite.snapshot.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.harmonylite.testsupport.FreePorts;

import static org.awaitility.Awaitility.await;

/**
 * An S3-compatible server for tests: S3Proxy (from Maven Central, copied by the build) in its own process on a free
 * loopback port, keeping objects in a temporary directory and checking AWS signatures.
 */
final class S3ProxyServer implements AutoCloseable {

	static final String ACCESS_KEY = "harmonylite-test";

	static final String SECRET_KEY = "harmonylite-test-secret";

	private final Process process;

	private final int port;

	private S3ProxyServer(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Starts S3Proxy and waits until it accepts connections.
	 * @param dir a directory for its configuration, objects and log
	 * @return the running server
	 */
	static S3ProxyServer start(Path dir) {
		String jar = System.getProperty("s3proxy.jar");
		if (jar == null || !Files.isRegularFile(Path.of(jar))) {
			throw new IllegalStateException("S3Proxy is not at the path in the s3proxy.jar system property (" + jar
					+ "); run the tests through Maven (failsafe), which copies it into target/s3proxy");
		}
		int port = FreePorts.one();
		try {
			Path objects = Files.createDirectories(dir.resolve("objects"));
			Path properties = dir.resolve("s3proxy.properties");
			Files.writeString(properties, String.join("\n", "s3proxy.endpoint=http://127.0.0.1:" + port,
					"s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + ACCESS_KEY,
					"s3proxy.credential=" + SECRET_KEY, "jclouds.provider=filesystem",
					"jclouds.filesystem.basedir=" + objects, "jclouds.identity=" + ACCESS_KEY,
					"jclouds.credential=" + SECRET_KEY, ""));
			Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-jar", jar, "--properties", properties.toString())
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("s3proxy.log").toFile())
				.start();
			S3ProxyServer server = new S3ProxyServer(process, port);
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(server::accepts);
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The endpoint URL.
	 * @return {@code http://127.0.0.1:<port>}
	 */
	String endpoint() {
		return "http://127.0.0.1:" + this.port;
	}

	private boolean accepts() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("S3Proxy exited with " + this.process.exitValue());
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
