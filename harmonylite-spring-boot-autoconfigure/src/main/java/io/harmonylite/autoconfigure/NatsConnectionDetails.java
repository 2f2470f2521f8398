package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Details required to connect to NATS: the servers, the credentials and TLS. The auto-configured
 * {@link io.harmonylite.engine.HarmonyLiteEngine} takes them from a bean of this type, which by default reads
 * {@code harmonylite.nats.*}; an application, or a service-connection mechanism such as Testcontainers or Docker
 * Compose, defines its own bean to supply them instead.
 *
 * @since 0.1.0
 */
public interface NatsConnectionDetails extends ConnectionDetails {

	/**
	 * The URLs of the NATS servers, such as {@code nats://localhost:4222}.
	 * @return the URLs; empty for the node to start its own nats-server
	 */
	List<String> getUrls();

	/**
	 * The user name for user/password authentication.
	 * @return the user name, or {@code null}
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * The password for user/password authentication.
	 * @return the password, or {@code null}
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * The token for token authentication.
	 * @return the token, or {@code null}
	 */
	default @Nullable String getToken() {
		return null;
	}

	/**
	 * The file holding an NKey seed for NKey authentication.
	 * @return the file, or {@code null}
	 */
	default @Nullable Path getNkeySeedFile() {
		return null;
	}

	/**
	 * The SSL bundle for TLS connections.
	 * @return the bundle, or {@code null} for plain connections
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

}
