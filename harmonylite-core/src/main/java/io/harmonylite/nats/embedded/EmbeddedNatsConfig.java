package io.harmonylite.nats.embedded;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.harmonylite.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the {@code nats-server} process a node starts when no external servers are configured.
 *
 * @param binary the {@code nats-server} executable; {@code null} looks it up on the PATH
 * @param storeDir the JetStream store directory; {@code null} uses a directory next to the database
 * @param port the client port
 * @param clusterAddr the cluster listen address ({@code host:port}); {@code null} runs a single server
 * @param clusterPeers route URLs of the other servers ({@code nats://host:port}); empty with a cluster address makes a
 * seed server that others join
 * @param sync how often JetStream syncs its files to disk: {@code always} (before every acknowledgement) or an interval
 * such as {@code 2m}, nats-server's own default
 * @param maxPayload the largest message in bytes the server accepts, 1 KiB to 64 MiB
 * @param monitorPort the HTTP monitoring port ({@code /varz}, {@code /jsz}) on 127.0.0.1; 0 turns monitoring off
 * @since 0.1.0
 */
public record EmbeddedNatsConfig(@Nullable Path binary, @Nullable Path storeDir, int port, @Nullable String clusterAddr,
		List<String> clusterPeers, String sync, long maxPayload, int monitorPort) {

	/** The default sync setting: every acknowledged message is on disk first. */
	public static final String SYNC_ALWAYS = "always";

	/** The default largest message: 8 MiB, nats-server's recommended maximum. */
	public static final long DEFAULT_MAX_PAYLOAD = 8L * 1024 * 1024;

	/** The largest {@code max_payload} nats-server accepts. */
	public static final long MAX_MAX_PAYLOAD = 64L * 1024 * 1024;

	private static final Set<String> LOCAL_HOSTS = Set.of("", "localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0",
			"::", "[::]");

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
		if (sync == null || !sync.matches("always|\\d+(ms|s|m|h)")) {
			throw new ConfigException("harmonylite.nats.embedded.sync", "must be 'always' (sync before every "
					+ "acknowledgement) or an interval such as 1s or 2m, was '" + sync + "'");
		}
		if (maxPayload < 1024 || maxPayload > MAX_MAX_PAYLOAD) {
			throw new ConfigException("harmonylite.nats.embedded.max-payload",
					"must be between 1KB and 64MB (nats-server's limit), was " + maxPayload + " bytes");
		}
		if (monitorPort < 0 || monitorPort > 65535) {
			throw new ConfigException("harmonylite.nats.embedded.monitor-port",
					"must be between 0 (off) and 65535, was " + monitorPort);
		}
	}

	/**
	 * Durable defaults for everything but the server's location, ports and cluster.
	 * @param binary the {@code nats-server} executable, or {@code null}
	 * @param storeDir the JetStream store directory, or {@code null}
	 * @param port the client port
	 * @param clusterAddr the cluster listen address, or {@code null}
	 * @param clusterPeers route URLs of the other servers
	 */
	public EmbeddedNatsConfig(@Nullable Path binary, @Nullable Path storeDir, int port, @Nullable String clusterAddr,
			List<String> clusterPeers) {
		this(binary, storeDir, port, clusterAddr, clusterPeers, SYNC_ALWAYS, DEFAULT_MAX_PAYLOAD, 0);
	}

	/**
	 * Defaults: {@code nats-server} from the PATH, client port 4222, no cluster, sync always, 8 MiB messages.
	 * @return the defaults
	 */
	public static EmbeddedNatsConfig defaults() {
		return new EmbeddedNatsConfig(null, null, 4222, null, List.of());
	}

	/**
	 * Whether JetStream syncs to disk before every acknowledgement.
	 * @return {@code true} for {@code sync: always}
	 */
	public boolean syncAlways() {
		return SYNC_ALWAYS.equals(this.sync);
	}

	/**
	 * How many servers the cluster has as configured: this one and every peer that is not this one.
	 * @return 1 without a cluster address
	 */
	public int serverCount() {
		return 1 + otherPeers().size();
	}

	/**
	 * The routes the server's configuration lists: the peers, or its own cluster address for a seed server that has
	 * none (nats-server refuses a JetStream cluster without routes; a route to itself is ignored).
	 * @return the route URLs, empty without a cluster address
	 */
	public List<String> routes() {
		if (this.clusterAddr == null) {
			return List.of();
		}
		if (this.clusterPeers.isEmpty()) {
			HostPort self = HostPort.parse(this.clusterAddr);
			String host = LOCAL_HOSTS.contains(self.host()) ? "127.0.0.1" : self.host();
			return List.of("nats://" + host + ":" + self.port());
		}
		return this.clusterPeers;
	}

	private List<String> otherPeers() {
		if (this.clusterAddr == null) {
			return List.of();
		}
		HostPort self = HostPort.parse(this.clusterAddr);
		List<HostPort> others = new ArrayList<>();
		List<String> peers = new ArrayList<>();
		for (String peer : this.clusterPeers) {
			HostPort other = HostPort.ofUrl(peer);
			if (!self.sameAs(other) && !others.contains(other)) {
				others.add(other);
				peers.add(peer);
			}
		}
		return peers;
	}

	/** A host and port, compared loosely for the local interface's many names. */
	private record HostPort(String host, int port) {

		static HostPort parse(String hostPort) {
			int colon = hostPort.lastIndexOf(':');
			return new HostPort(hostPort.substring(0, colon).toLowerCase(Locale.ROOT),
					Integer.parseInt(hostPort.substring(colon + 1)));
		}

		static HostPort ofUrl(String url) {
			try {
				URI uri = new URI(url);
				return new HostPort(String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT), uri.getPort());
			}
			catch (URISyntaxException ex) {
				throw new ConfigException("harmonylite.nats.embedded.cluster-peers",
						"'" + url + "' is not a route URL such as nats://localhost:4222");
			}
		}

		boolean sameAs(HostPort other) {
			return this.port == other.port && (this.host.equals(other.host)
					|| (LOCAL_HOSTS.contains(this.host) && LOCAL_HOSTS.contains(other.host)));
		}

	}

}
