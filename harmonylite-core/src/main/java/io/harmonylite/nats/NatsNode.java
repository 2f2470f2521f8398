package io.harmonylite.nats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.DeadLetterSink;
import io.harmonylite.apply.ShardSource;
import io.harmonylite.replicate.ChangeSink;
import io.harmonylite.replicate.ReplicationConfig;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's view of JetStream: the shard streams, the sinks the publisher and apply loop write to, and the sources
 * that read the shards. It owns the connection and, when embedded, the server process; whoever starts a source stops
 * it before this node closes.
 *
 * @since 0.1.0
 */
public final class NatsNode implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NatsNode.class);

	private static final Duration JETSTREAM_READY_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration MAX_WAIT = Duration.ofSeconds(2);

	private final Connection connection;

	private final @Nullable NatsConnector connector;

	private final @Nullable AutoCloseable embeddedServer;

	private final ReplicationConfig config;

	private final long nodeId;

	private final JetStream jetStream;

	private final JetStreamManagement management;

	/**
	 * Wraps an open connection.
	 * @param connection the connection, closed with this node
	 * @param connector the connector that made it, for its reconnect count, or {@code null}
	 * @param embeddedServer the embedded server process to stop after the connection, or {@code null}
	 * @param config the replication settings
	 * @param nodeId this node's id
	 */
	NatsNode(Connection connection, @Nullable NatsConnector connector, @Nullable AutoCloseable embeddedServer,
			ReplicationConfig config, long nodeId) {
		this.connection = connection;
		this.connector = connector;
		this.embeddedServer = embeddedServer;
		this.config = config;
		this.nodeId = nodeId;
		try {
			this.jetStream = connection.jetStream();
			this.management = connection.jetStreamManagement();
		}
		catch (IOException ex) {
			throw new JetStreamNotReadyException("JetStream is not available on " + connection.getConnectedUrl()
					+ ": " + ex.getMessage() + ". Start nats-server with JetStream enabled (-js).", ex);
		}
	}

	/**
	 * Connects to the configured servers, first starting the embedded server when no URLs are configured.
	 * @param nats how to reach NATS
	 * @param replication the replication settings
	 * @param nodeId this node's id
	 * @param dbPath the database, next to which the embedded server keeps its store by default
	 * @return the connected node
	 * @throws NatsConnectionException if no server could be reached after the configured retries
	 */
	public static NatsNode open(NatsConfig nats, ReplicationConfig replication, long nodeId, Path dbPath) {
		EmbeddedNatsServer server = null;
		List<String> urls = nats.urls();
		if (nats.isEmbedded()) {
			server = new EmbeddedNatsServer(nats.embedded(), nodeId, dbPath);
			server.start();
			urls = List.of(server.clientUrl());
		}
		try {
			NatsConnector connector = new NatsConnector(nats, nodeId);
			return new NatsNode(connector.connect(urls), connector, server, replication, nodeId);
		}
		catch (RuntimeException ex) {
			if (server != null) {
				server.close();
			}
			throw ex;
		}
	}

	/**
	 * How many times the connection was re-established.
	 * @return the reconnect count
	 */
	public long reconnects() {
		return (this.connector != null) ? this.connector.reconnectCount() : 0;
	}

	/**
	 * Creates or reconciles the shard streams and the dead-letter stream.
	 */
	public void ensureStreams() {
		StreamManager streams = new StreamManager(this.management, this.config);
		long deadline = System.nanoTime() + JETSTREAM_READY_TIMEOUT.toNanos();
		Duration wait = Duration.ofMillis(100);
		while (true) {
			try {
				streams.ensureStreams();
				return;
			}
			catch (HarmonyLiteException ex) {
				// A clustered JetStream answers "temporarily unavailable" until its peers have elected a leader,
				// e.g. while the other nodes of an embedded cluster are still starting.
				if (System.nanoTime() + wait.toNanos() > deadline) {
					throw new JetStreamNotReadyException("JetStream did not become ready within "
							+ JETSTREAM_READY_TIMEOUT.toSeconds() + " s: " + ex.getMessage()
							+ ". In a cluster, start the other servers (a JetStream cluster needs a majority of its"
							+ " peers), and check the routes (harmonylite.nats.embedded.cluster-peers).", ex);
				}
				logger.info("Node {}: JetStream not ready yet ({}); retrying in {} ms", this.nodeId, ex.getMessage(),
						wait.toMillis());
				sleep(wait);
				wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
			}
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new HarmonyLiteException("Interrupted while waiting for JetStream", ex);
		}
	}

	/**
	 * The sink the publisher sends to.
	 * @return the sink
	 */
	public ChangeSink changeSink() {
		return new JetStreamChangeSink(this.connection, this.jetStream, this.config);
	}

	/**
	 * The sink rejected messages go to.
	 * @return the sink
	 */
	public DeadLetterSink deadLetterSink() {
		return new JetStreamDeadLetterSink(this.connection, this.jetStream, StreamManager.deadLetterSubject(this.config), this.nodeId);
	}

	/**
	 * The source of one shard stream, not yet started.
	 * @param shard the shard
	 * @return the source
	 */
	public ShardSource shardSource(int shard) {
		return new ShardSubscriber(this.jetStream, this.management, this.config, shard, this.nodeId);
	}

	/**
	 * The server the connection is attached to.
	 * @return its URL, or {@code null} while disconnected
	 */
	public @Nullable String connectedUrl() {
		return this.connection.getConnectedUrl();
	}

	/**
	 * The schema registry over this node's connection.
	 * @return the registry
	 */
	public KvSchemaRegistry schemaRegistry() {
		return new KvSchemaRegistry(this.connection);
	}

	/**
	 * Whether the connection is currently up.
	 * @return {@code true} when connected
	 */
	public boolean isConnected() {
		return this.connection.getStatus() == Connection.Status.CONNECTED;
	}

	/**
	 * Closes the connection, then stops the embedded server.
	 */
	@Override
	public synchronized void close() {
		try {
			this.connection.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.embeddedServer != null) {
			try {
				this.embeddedServer.close();
			}
			catch (Exception ex) {
				throw new HarmonyLiteException("Could not stop the embedded nats-server: " + ex.getMessage(), ex);
			}
		}
	}

}
