package io.harmonylite.nats.embedded;

import java.nio.file.Files;
import java.nio.file.Path;

import io.harmonylite.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Refuses to run a server alone on the store of a clustered one: started without its cluster settings (an offline
 * snapshot command given only the node id and the database, say), nats-server cannot load the cluster's replicated
 * streams and the node would create new ones, outside the cluster, in the cluster's store.
 */
final class ClusteredStore {

	private ClusteredStore() {
	}

	/**
	 * Fails when the store holds a clustered JetStream (nats-server keeps its meta group there) and no cluster is
	 * configured, changing nothing.
	 * @param storeDir the store directory
	 * @param clusterAddr the configured cluster address, {@code null} for a server alone
	 * @throws ConfigException naming {@code harmonylite.nats.embedded.cluster-addr}
	 */
	static void check(Path storeDir, @Nullable String clusterAddr) {
		Path metaGroup = storeDir.resolve("jetstream").resolve("$SYS").resolve("_js_");
		if (clusterAddr == null && Files.isDirectory(metaGroup)) {
			throw new ConfigException("harmonylite.nats.embedded.cluster-addr", "not set, but the store directory of "
					+ "this node's embedded nats-server (" + storeDir + ") holds a clustered JetStream: started alone, "
					+ "the server cannot load the cluster's streams, and new ones would be created outside the "
					+ "cluster. Give the node's cluster settings as when it runs (--cluster-addr and --cluster-peers, "
					+ "or --config with its configuration file); to run this node alone for good, delete that directory "
					+ "first");
		}
	}

}
