package io.harmonylite.nats;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the {@code nats-server} process a node starts when no external servers are configured.
 *
 * @param binary the {@code nats-server} executable; {@code null} looks it up on the PATH
 * @param storeDir the JetStream store directory; {@code null} uses a directory next to the database
 * @param port the client port
 * @param clusterAddr the cluster listen address ({@code host:port}); {@code null} runs a single server
 * @param clusterPeers route URLs of the other servers ({@code nats://host:port})
 * @since 0.1.0
 */
public record EmbeddedNatsConfig(@Nullable Path binary, @Nullable Path storeDir, int port, @Nullable String clusterAddr,
		List<String> clusterPeers) {

	public EmbeddedNatsConfig {
		clusterPeers = List.copyOf(clusterPeers);
		if (port < 0 || port > 65535) {
			throw new ConfigException("harmonylite.nats.embedded.port", "must be between 0 and 65535, was " + port);
		}
		if (clusterAddr != null && !clusterAddr.matches("[^:/]*:\\d{1,5}")) {
			throw new ConfigException("harmonylite.nats.embedded.cluster-addr",
					"must be host:port such as localhost:4221, was '" + clusterAddr + "'");
		}
		for (String peer : clusterPeers) {
			if (!peer.matches("(?i)nats(-route)?://.+")) {
				throw new ConfigException("harmonylite.nats.embedded.cluster-peers",
						"'" + peer + "' is not a route URL such as nats://localhost:4222");
			}
		}
	}

	/**
	 * Defaults: {@code nats-server} from the PATH, client port 4222, no cluster.
	 * @return the defaults
	 */
	public static EmbeddedNatsConfig defaults() {
		return new EmbeddedNatsConfig(null, null, 4222, null, List.of());
	}

}
