package io.harmonylite.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

import io.nats.client.Connection;
import io.nats.client.Nats;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real {@code nats-server -js} (or a cluster of them) before a test class's tests and stops it after them,
 * the one way tests share NATS. Register it on a static field:
 * <pre>
 * &#64;RegisterExtension
 * static final NatsServerExtension nats = NatsServerExtension.withServer();
 * </pre>
 *
 * @since 0.1.0
 */
public final class NatsServerExtension implements BeforeAllCallback, AfterAllCallback {

	private final Supplier<AutoCloseable> starter;

	private @Nullable AutoCloseable running;

	private @Nullable Connection connection;

	private NatsServerExtension(Supplier<AutoCloseable> starter) {
		this.starter = starter;
	}

	/**
	 * One JetStream server on a free loopback port with a temporary store.
	 * @return the extension
	 */
	public static NatsServerExtension withServer() {
		return withServer("");
	}

	/**
	 * One JetStream server with extra configuration, e.g. an {@code authorization} or {@code tls} block.
	 * @param extraConfig configuration text appended to the generated file
	 * @return the extension
	 */
	public static NatsServerExtension withServer(String extraConfig) {
		return new NatsServerExtension(() -> NatsTestServer.start(extraConfig));
	}

	/**
	 * A JetStream cluster of servers joined by routes.
	 * @param size the number of servers
	 * @return the extension
	 */
	public static NatsServerExtension withCluster(int size) {
		return new NatsServerExtension(() -> NatsTestCluster.start(size));
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.running = this.starter.get();
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		Connection client = this.connection;
		this.connection = null;
		if (client != null) {
			client.close();
		}
		AutoCloseable current = this.running;
		this.running = null;
		if (current != null) {
			current.close();
		}
	}

	/**
	 * A client connection to the server, or to the cluster's first server, shared by the test class's tests: opened
	 * on first use and closed before the servers stop.
	 * @return the connection
	 */
	public Connection connection() {
		if (this.connection == null) {
			try {
				this.connection = Nats.connect(url());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not connect to " + url(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while connecting to " + url(), ex);
			}
		}
		return this.connection;
	}

	/**
	 * The single server.
	 * @return the server
	 * @throws IllegalStateException if this extension runs a cluster, or nothing yet
	 */
	public NatsTestServer server() {
		if (this.running instanceof NatsTestServer server) {
			return server;
		}
		throw new IllegalStateException("No single nats-server runs (" + this.running + ")");
	}

	/**
	 * The cluster.
	 * @return the cluster
	 * @throws IllegalStateException if this extension runs a single server, or nothing yet
	 */
	public NatsTestCluster cluster() {
		if (this.running instanceof NatsTestCluster cluster) {
			return cluster;
		}
		throw new IllegalStateException("No nats-server cluster runs (" + this.running + ")");
	}

	/**
	 * The client URL of the server, or of the cluster's first server.
	 * @return the URL
	 */
	public String url() {
		return urls().get(0);
	}

	/**
	 * The client URLs of every server.
	 * @return the URLs
	 */
	public List<String> urls() {
		if (this.running instanceof NatsTestCluster cluster) {
			return cluster.urls();
		}
		return List.of(server().url());
	}

}
