package io.harmonylite.nats;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.harmonylite.ConfigException;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import org.jspecify.annotations.Nullable;

/**
 * How a node reaches NATS: external servers when {@code urls} is non-empty, otherwise an embedded
 * {@code nats-server} process the node supervises.
 *
 * @param urls external server URLs ({@code harmonylite.nats.urls}); empty means embedded
 * @param user user name for user/password authentication
 * @param password password for user/password authentication
 * @param token token authentication
 * @param nkeySeedFile file holding an NKey seed ({@code SU...})
 * @param tlsCaFile CA certificate (PEM) that signed the servers' certificates
 * @param tlsCertFile client certificate (PEM) for mutual TLS
 * @param tlsKeyFile client private key (PEM) for mutual TLS
 * @param connectRetries how many times to retry the initial connection before failing
 * @param reconnectWait the wait between connection attempts
 * @param embedded settings of the embedded server
 * @param sslContext a ready TLS context, e.g. from a Spring Boot SSL bundle, used instead of the PEM files
 * @param startupTimeout how long startup waits for JetStream to answer (a clustered JetStream needs a majority of its
 * servers, a seed server its first peer) before it fails
 * @since 0.1.0
 */
public record NatsConfig(List<String> urls, @Nullable String user, @Nullable String password, @Nullable String token,
		@Nullable Path nkeySeedFile, @Nullable Path tlsCaFile, @Nullable Path tlsCertFile, @Nullable Path tlsKeyFile,
		int connectRetries, Duration reconnectWait, EmbeddedNatsConfig embedded, @Nullable SSLContext sslContext,
		Duration startupTimeout) {

	/** How long startup waits for JetStream unless configured otherwise. */
	public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

	public NatsConfig {
		urls = List.copyOf(urls);
		if (connectRetries < 0) {
			throw new ConfigException("harmonylite.nats.connect-retries", "must be 0 or more, was " + connectRetries);
		}
		if (reconnectWait == null || reconnectWait.isNegative() || reconnectWait.isZero()) {
			throw new ConfigException("harmonylite.nats.reconnect-wait", "must be a positive duration, was " + reconnectWait);
		}
		if ((user == null) != (password == null)) {
			throw new ConfigException((user == null) ? "harmonylite.nats.user" : "harmonylite.nats.password",
					"user and password must be set together");
		}
		if ((tlsCertFile == null) != (tlsKeyFile == null)) {
			throw new ConfigException((tlsCertFile == null) ? "harmonylite.nats.tls.cert-file" : "harmonylite.nats.tls.key-file",
					"the client certificate and key must be set together");
		}
		if (sslContext != null && (tlsCaFile != null || tlsCertFile != null)) {
			throw new ConfigException((tlsCaFile != null) ? "harmonylite.nats.tls.ca-file" : "harmonylite.nats.tls.cert-file",
					"TLS comes either from PEM files or from a ready SSL context (harmonylite.nats.ssl.bundle), not both");
		}
		urls.forEach(NatsUrls::requireValid);
		if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
			throw new ConfigException("harmonylite.nats.startup-timeout",
					"must be a positive duration, was " + startupTimeout);
		}
	}

	/**
	 * Settings with the default startup timeout.
	 * @param urls external server URLs; empty means embedded
	 * @param user user name for user/password authentication
	 * @param password password for user/password authentication
	 * @param token token authentication
	 * @param nkeySeedFile file holding an NKey seed
	 * @param tlsCaFile CA certificate (PEM) that signed the servers' certificates
	 * @param tlsCertFile client certificate (PEM) for mutual TLS
	 * @param tlsKeyFile client private key (PEM) for mutual TLS
	 * @param connectRetries how many times to retry the initial connection before failing
	 * @param reconnectWait the wait between connection attempts
	 * @param embedded settings of the embedded server
	 * @param sslContext a ready TLS context used instead of the PEM files, or {@code null}
	 */
	public NatsConfig(List<String> urls, @Nullable String user, @Nullable String password, @Nullable String token,
			@Nullable Path nkeySeedFile, @Nullable Path tlsCaFile, @Nullable Path tlsCertFile,
			@Nullable Path tlsKeyFile, int connectRetries, Duration reconnectWait, EmbeddedNatsConfig embedded,
			@Nullable SSLContext sslContext) {
		this(urls, user, password, token, nkeySeedFile, tlsCaFile, tlsCertFile, tlsKeyFile, connectRetries,
				reconnectWait, embedded, sslContext, DEFAULT_STARTUP_TIMEOUT);
	}

	/**
	 * Settings with TLS from PEM files, or none.
	 * @param urls external server URLs; empty means embedded
	 * @param user user name for user/password authentication
	 * @param password password for user/password authentication
	 * @param token token authentication
	 * @param nkeySeedFile file holding an NKey seed
	 * @param tlsCaFile CA certificate (PEM) that signed the servers' certificates
	 * @param tlsCertFile client certificate (PEM) for mutual TLS
	 * @param tlsKeyFile client private key (PEM) for mutual TLS
	 * @param connectRetries how many times to retry the initial connection before failing
	 * @param reconnectWait the wait between connection attempts
	 * @param embedded settings of the embedded server
	 */
	public NatsConfig(List<String> urls, @Nullable String user, @Nullable String password, @Nullable String token,
			@Nullable Path nkeySeedFile, @Nullable Path tlsCaFile, @Nullable Path tlsCertFile,
			@Nullable Path tlsKeyFile, int connectRetries, Duration reconnectWait, EmbeddedNatsConfig embedded) {
		this(urls, user, password, token, nkeySeedFile, tlsCaFile, tlsCertFile, tlsKeyFile, connectRetries,
				reconnectWait, embedded, null);
	}

	/**
	 * These settings with TLS from a ready context instead of PEM files.
	 * @param context the TLS context, e.g. with the client certificate and the CAs to trust
	 * @return the new settings
	 * @throws ConfigException when PEM files are set too
	 */
	public NatsConfig withSslContext(SSLContext context) {
		return new NatsConfig(this.urls, this.user, this.password, this.token, this.nkeySeedFile, this.tlsCaFile,
				this.tlsCertFile, this.tlsKeyFile, this.connectRetries, this.reconnectWait, this.embedded, context,
				this.startupTimeout);
	}

	/**
	 * These settings with another startup timeout.
	 * @param timeout how long startup waits for JetStream
	 * @return the new settings
	 */
	public NatsConfig withStartupTimeout(Duration timeout) {
		return new NatsConfig(this.urls, this.user, this.password, this.token, this.nkeySeedFile, this.tlsCaFile,
				this.tlsCertFile, this.tlsKeyFile, this.connectRetries, this.reconnectWait, this.embedded,
				this.sslContext, timeout);
	}

	/**
	 * The default: an embedded server with default settings.
	 * @return the default configuration
	 */
	public static NatsConfig embeddedDefaults() {
		return new NatsConfig(List.of(), null, null, null, null, null, null, null, 5, Duration.ofSeconds(2),
				EmbeddedNatsConfig.defaults());
	}

	/**
	 * External servers without authentication.
	 * @param urls the server URLs
	 * @return the configuration
	 */
	public static NatsConfig external(String... urls) {
		return new NatsConfig(List.of(urls), null, null, null, null, null, null, null, 5, Duration.ofSeconds(2),
				EmbeddedNatsConfig.defaults());
	}

	/**
	 * Whether the node starts its own {@code nats-server}.
	 * @return {@code true} when no URLs are configured
	 */
	public boolean isEmbedded() {
		return this.urls.isEmpty();
	}

	/**
	 * How many NATS servers are configured: the embedded server and its cluster peers, or the external URLs.
	 * @return the number of servers, at least 1
	 */
	public int serverCount() {
		return isEmbedded() ? this.embedded.serverCount() : this.urls.size();
	}

	private String tls() {
		if (this.sslContext != null) {
			return "context";
		}
		return (this.tlsCaFile != null || this.tlsCertFile != null) ? "pem-files" : "none";
	}

	@Override
	public String toString() {
		return "NatsConfig[urls=" + this.urls + ", embedded=" + isEmbedded() + ", tls=" + tls() + "]";
	}

}
