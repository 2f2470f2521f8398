package io.harmonylite.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a node's NATS connection from its {@link NatsConfig}: servers, user/password, token, NKey seed file, TLS from
 * a ready context or PEM files, connection name {@code harmonylite-node-<id>}, and reconnects without limit.
 * <p>
 * The initial connection is tried {@code connect-retries + 1} times, {@code reconnect-wait} apart, and then fails with
 * a {@link NatsConnectionException} explaining the cause. After that the client reconnects on its own; disconnects and
 * reconnects are logged and counted.
 *
 * @since 0.1.0
 */
public final class NatsConnector {

	private static final Logger logger = LoggerFactory.getLogger(NatsConnector.class);

	/** jnats' default; a server that rejects credentials makes every attempt last this long. */
	private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * How often the client pings its server. A server that stops answering (frozen, its machine cut off) keeps the TCP
	 * connection open; after {@link #MAX_PINGS_OUT} unanswered pings the client drops it and reconnects, so the node
	 * says {@code DISCONNECTED} within about 6 s rather than jnats' default of minutes.
	 */
	static final Duration PING_INTERVAL = Duration.ofSeconds(2);

	static final int MAX_PINGS_OUT = 2;

	private final NatsConfig config;

	private final long nodeId;

	private final NatsConnectionListener listener;

	private final @Nullable AuthHandler nkeyAuth;

	private final @Nullable SSLContext sslContext;

	private final AtomicLong reconnects = new AtomicLong();

	private final AtomicLong disconnects = new AtomicLong();

	/** The last error the client reported while connecting, to explain a failed attempt. */
	private final AtomicReference<@Nullable String> lastReportedError = new AtomicReference<>();

	/** The last subject the server refused this node's user, with when. */
	private final AtomicReference<@Nullable PermissionDenial> lastPermissionDenial = new AtomicReference<>();

	/**
	 * Prepares connections for a node without a listener.
	 * @param config the NATS settings
	 * @param nodeId the node's id, used in the connection name
	 * @throws ConfigException when the NKey seed or TLS files are missing or unreadable
	 */
	public NatsConnector(NatsConfig config, long nodeId) {
		this(config, nodeId, NatsConnectionListener.NONE);
	}

	/**
	 * Prepares connections for a node; files are read and checked now so that mistakes surface at startup.
	 * @param config the NATS settings
	 * @param nodeId the node's id, used in the connection name
	 * @param listener notified of disconnects and reconnects
	 * @throws ConfigException when the NKey seed or TLS files are missing or unreadable
	 */
	public NatsConnector(NatsConfig config, long nodeId, NatsConnectionListener listener) {
		this.config = config;
		this.nodeId = nodeId;
		this.listener = listener;
		this.nkeyAuth = (config.nkeySeedFile() != null) ? nkeyAuth(config.nkeySeedFile()) : null;
		this.sslContext = (config.sslContext() != null) ? config.sslContext()
				: (config.tlsCaFile() != null || config.tlsCertFile() != null)
						? PemSslContexts.create(config.tlsCaFile(), config.tlsCertFile(), config.tlsKeyFile()) : null;
	}

	private static AuthHandler nkeyAuth(Path seedFile) {
		String property = "harmonylite.nats.nkey-seed-file";
		String content;
		try {
			content = Files.readString(seedFile, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new ConfigException(property, "'" + seedFile + "' cannot be read: " + ex.getMessage());
		}
		String seed = content.lines()
			.map(String::strip)
			.filter((line) -> line.startsWith("SU"))
			.findFirst()
			.orElseThrow(() -> new ConfigException(property, "'" + seedFile + "' holds no user NKey seed (a line "
					+ "starting with 'SU', as written by 'nk -gen user')"));
		NKey nkey;
		char[] publicKey;
		try {
			nkey = NKey.fromSeed(seed.toCharArray());
			publicKey = nkey.getPublicKey();
		}
		catch (GeneralSecurityException | IOException | IllegalArgumentException ex) {
			throw new ConfigException(property, "'" + seedFile + "' holds an invalid NKey seed: " + ex.getMessage());
		}
		return new AuthHandler() {

			@Override
			public byte[] sign(byte[] nonce) {
				try {
					return nkey.sign(nonce);
				}
				catch (GeneralSecurityException | IOException ex) {
					throw new HarmonyLiteException("Could not sign the NATS server's nonce with the NKey from "
							+ seedFile + ": " + ex.getMessage(), ex);
				}
			}

			@Override
			public char[] getID() {
				return publicKey.clone();
			}

			@Override
			public char @Nullable [] getJWT() {
				return null;
			}

		};
	}

	/**
	 * The connection name servers see, e.g. in their monitoring.
	 * @return {@code harmonylite-node-<id>}
	 */
	public String connectionName() {
		return "harmonylite-node-" + this.nodeId;
	}

	/**
	 * Connects to the configured external servers ({@code harmonylite.nats.urls}).
	 * @return the open connection
	 * @throws NatsConnectionException when every attempt failed
	 */
	public Connection connect() {
		return connect(this.config.urls());
	}

	/**
	 * Connects to the given servers, e.g. the embedded server's URL, retrying as configured.
	 * @param servers the server URLs
	 * @return the open connection
	 * @throws NatsConnectionException when every attempt failed
	 */
	public Connection connect(List<String> servers) {
		if (servers.isEmpty()) {
			throw new IllegalArgumentException("No NATS server URL to connect to");
		}
		Options options = options(servers);
		int attempts = this.config.connectRetries() + 1;
		Exception failure = null;
		String reported = null;
		for (int attempt = 1; attempt <= attempts; attempt++) {
			this.lastReportedError.set(null);
			try {
				Connection connection = Nats.connect(options);
				logger.info("Node {}: connected to NATS at {} (server {})", this.nodeId, connection.getConnectedUrl(),
						connection.getServerInfo().getServerName());
				return connection;
			}
			catch (IOException ex) {
				failure = ex;
				reported = this.lastReportedError.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new NatsConnectionException("Interrupted while connecting to NATS at " + servers, ex);
			}
			String cause = cause(failure, reported, this.sslContext != null).description;
			if (attempt < attempts) {
				logger.warn("Node {}: NATS connection attempt {} of {} to {} failed: {}; retrying in {} ms",
						this.nodeId, attempt, attempts, servers, cause, this.config.reconnectWait().toMillis());
				pause(servers, failure);
			}
		}
		Cause cause = cause(failure, reported, this.sslContext != null);
		throw new NatsConnectionException("Could not connect to NATS at " + servers + " after " + attempts
				+ ((attempts == 1) ? " attempt" : " attempts") + " (harmonylite.nats.connect-retries="
				+ this.config.connectRetries() + ", reconnect-wait=" + this.config.reconnectWait().toMillis()
				+ " ms): " + cause.description + ". " + cause.fix(this.config), failure);
	}

	private void pause(List<String> servers, Exception failure) {
		try {
			Thread.sleep(this.config.reconnectWait().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new NatsConnectionException("Interrupted while waiting to retry connecting to NATS at " + servers,
					failure);
		}
	}

	/**
	 * The client options for the given servers.
	 * @param servers the server URLs
	 * @return the options
	 */
	Options options(List<String> servers) {
		EventLogger events = new EventLogger();
		Options.Builder builder = new Options.Builder().servers(servers.toArray(String[]::new))
			.connectionName(connectionName())
			.connectionTimeout(CONNECTION_TIMEOUT)
			.pingInterval(PING_INTERVAL)
			.maxPingsOut(MAX_PINGS_OUT)
			.maxReconnects(-1)
			.reconnectWait(this.config.reconnectWait())
			.connectionListener(events)
			.errorListener(events);
		if (this.config.user() != null && this.config.password() != null) {
			builder.userInfo(this.config.user(), this.config.password());
		}
		if (this.config.token() != null) {
			builder.token(this.config.token().toCharArray());
		}
		if (this.nkeyAuth != null) {
			builder.authHandler(this.nkeyAuth);
		}
		if (this.sslContext != null) {
			builder.sslContext(this.sslContext);
		}
		return builder.build();
	}

	/**
	 * The last subject the NATS server refused this node's user (a {@code Permissions Violation}), but the system
	 * account's, which the node only tries.
	 * @return the denial, empty when none
	 */
	public Optional<PermissionDenial> lastPermissionDenial() {
		return Optional.ofNullable(this.lastPermissionDenial.get());
	}

	/**
	 * How often the connection was re-established after a loss, since this connector was created.
	 * @return the number of reconnects
	 */
	public long reconnectCount() {
		return this.reconnects.get();
	}

	/**
	 * How often an established connection was lost, since this connector was created.
	 * @return the number of disconnects
	 */
	public long disconnectCount() {
		return this.disconnects.get();
	}

	private static Cause cause(@Nullable Exception failure, @Nullable String reported, boolean tlsConfigured) {
		StringBuilder text = new StringBuilder();
		if (reported != null) {
			text.append(reported).append(' ');
		}
		boolean tls = false;
		for (Throwable t = failure; t != null; t = t.getCause()) {
			text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(' ');
			tls |= t instanceof SSLException || t instanceof java.security.cert.CertificateException;
		}
		String lower = text.toString().toLowerCase(Locale.ROOT);
		String detail = (failure != null) ? String.valueOf(rootCause(failure).getMessage()) : "unknown";
		if (!tls && lower.contains("authorization violation")) {
			return new Cause(Kind.AUTHORIZATION, "the server rejected the credentials (authorization violation)");
		}
		if (tls || lower.contains("ssl") || lower.contains("tls") || lower.contains("certificate")) {
			return new Cause(Kind.TLS, "the TLS handshake failed (" + ((reported != null) ? reported : detail) + ")");
		}
		if (lower.contains("connection refused")) {
			return new Cause(Kind.REFUSED, "connection refused (no server is listening there)");
		}
		if (lower.contains("timed out") || lower.contains("timeout")) {
			if (tlsConfigured) {
				// With TLS 1.3 a server rejects a missing or untrusted client certificate after the client's side of
				// the handshake is done; the client only sees the connection not completing.
				return new Cause(Kind.TLS, "the server did not complete the connection within "
						+ CONNECTION_TIMEOUT.toSeconds() + " s; with TLS this usually means it rejected the client "
						+ "certificate (missing, or not signed by a CA it trusts)");
			}
			return new Cause(Kind.TIMEOUT, "the connection timed out (" + detail + ")");
		}
		return new Cause(Kind.OTHER, (reported != null) ? reported : detail);
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	private enum Kind {

		AUTHORIZATION, TLS, REFUSED, TIMEOUT, OTHER

	}

	private record Cause(Kind kind, String description) {

		String fix(NatsConfig config) {
			String fallback = config.isEmbedded() ? " The embedded nats-server may have failed; see its log in "
					+ "the harmonylite.nats.embedded.store-dir directory."
					: " Or remove harmonylite.nats.urls to use an embedded nats-server instead.";
			return switch (this.kind) {
				case AUTHORIZATION -> "Check harmonylite.nats.user/password, harmonylite.nats.token or "
						+ "harmonylite.nats.nkey-seed-file against the server's authorization settings." + fallback;
				case TLS -> "Check the CA (harmonylite.nats.tls.ca-file, or the trust store of the SSL bundle named by "
						+ "harmonylite.nats.ssl.bundle): it must have signed the server's certificate; the client "
						+ "certificate and key (harmonylite.nats.tls.cert-file and key-file, or the bundle's key store) "
						+ "when the server verifies clients; and that the server has TLS enabled." + fallback;
				default -> "Check harmonylite.nats.urls and that the servers are running and reachable." + fallback;
			};
		}

	}

	/** Logs connection events and errors, counts reconnects and forwards them to the listener. */
	private final class EventLogger implements ConnectionListener, ErrorListener {

		/** Whether an attempt succeeded; failed initial attempts also end with a CLOSED event. */
		private volatile boolean established;

		/** The server of the established connection, or {@code null} while disconnected. */
		private final AtomicReference<@Nullable String> connectedServer = new AtomicReference<>();

		@Override
		public void connectionEvent(Connection connection, Events event) {
			String server = String.valueOf(connection.getConnectedUrl());
			switch (event) {
				case CONNECTED -> {
					this.established = true;
					this.connectedServer.set(server);
				}
				case DISCONNECTED -> {
					// jnats reports every failed reconnect attempt as a disconnect; only the loss of an established
					// connection counts.
					String lost = this.connectedServer.getAndSet(null);
					if (lost != null) {
						NatsConnector.this.disconnects.incrementAndGet();
						logger.warn("Node {}: disconnected from NATS at {}; reconnecting every {} ms",
								NatsConnector.this.nodeId, lost, NatsConnector.this.config.reconnectWait().toMillis());
						NatsConnector.this.listener.disconnected(lost);
					}
				}
				case RECONNECTED -> {
					this.connectedServer.set(server);
					long count = NatsConnector.this.reconnects.incrementAndGet();
					logger.info("Node {}: reconnected to NATS at {} (reconnect #{})", NatsConnector.this.nodeId,
							server, count);
					NatsConnector.this.listener.reconnected(server);
				}
				case CLOSED -> {
					logger.debug("Node {}: NATS connection closed", NatsConnector.this.nodeId);
					if (this.established) {
						NatsConnector.this.listener.closed();
					}
					this.connectedServer.set(null);
				}
				case LAME_DUCK -> logger.warn("Node {}: NATS server {} entered lame duck mode and will shut down",
						NatsConnector.this.nodeId, server);
				default -> logger.debug("Node {}: NATS connection event {} on {}", NatsConnector.this.nodeId, event,
						server);
			}
		}

		@Override
		public void errorOccurred(Connection connection, String error) {
			NatsConnector.this.lastReportedError.set(error);
			PermissionDenial denial = PermissionDenial.of(error, Instant.now());
			if (denial != null) {
				NatsConnector.this.lastPermissionDenial.set(denial);
			}
			logger.warn("Node {}: NATS server reported an error: {}", NatsConnector.this.nodeId, error);
		}

		@Override
		public void exceptionOccurred(Connection connection, Exception exception) {
			NatsConnector.this.lastReportedError.set(exception.getClass().getSimpleName() + ": "
					+ exception.getMessage());
			if (connection.getStatus() == Connection.Status.CONNECTED) {
				logger.warn("Node {}: NATS client error: {}", NatsConnector.this.nodeId, exception.toString());
			}
			else {
				// While (re)connecting every failed attempt is reported; the disconnect was already logged.
				logger.debug("Node {}: NATS connection attempt failed: {}", NatsConnector.this.nodeId,
						exception.toString());
			}
		}

		@Override
		public void heartbeatAlarm(Connection connection, io.nats.client.JetStreamSubscription subscription,
				long lastStreamSequence, long lastConsumerSequence) {
			// A consumer stopped hearing from JetStream (its server restarted, a leader moved): the client
			// re-creates it, which can take a while; say so rather than stall silently.
			logger.warn("Node {}: a JetStream consumer missed its heartbeats after stream sequence {}; the client "
					+ "re-creates it", NatsConnector.this.nodeId, lastStreamSequence);
		}

		@Override
		public void pullStatusError(Connection connection, io.nats.client.JetStreamSubscription subscription,
				io.nats.client.support.Status status) {
			logger.warn("Node {}: a JetStream consumer's pull failed: {} {}", NatsConnector.this.nodeId,
					status.getCode(), status.getMessage());
		}

		@Override
		public void slowConsumerDetected(Connection connection, io.nats.client.Consumer consumer) {
			logger.warn("Node {}: NATS slow consumer detected; messages may be dropped by the client",
					NatsConnector.this.nodeId);
		}

	}

}
