package io.harmonylite.testsupport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Several real {@code nats-server -js} processes on 127.0.0.1 clustered with routes (default three), each with its
 * own {@code server_name}, client port and store. {@link #start(int)} returns once the cluster has formed and JetStream
 * has a meta leader: a stream with one replica per server can be created.
 *
 * @since 0.1.0
 */
public final class NatsTestCluster implements AutoCloseable {

	private static final Duration FORM_TIMEOUT = Duration.ofSeconds(120);

	/**
	 * How long one start may take to form before it is started again on fresh ports and stores: now and then (more
	 * often on a loaded machine) a server of a freshly started nats-server 2.10 cluster never learns the JetStream
	 * meta leader, and a new start forms at once.
	 */
	private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(40);

	private static final int ATTEMPTS = 3;

	private final List<NatsTestServer> servers;

	private NatsTestCluster(List<NatsTestServer> servers) {
		this.servers = List.copyOf(servers);
	}

	/**
	 * Starts a three-server cluster.
	 * @return the formed cluster
	 */
	public static NatsTestCluster start() {
		return start(3);
	}

	/**
	 * Starts a cluster and waits until JetStream can place a stream with {@code size} replicas.
	 * @param size the number of servers
	 * @return the formed cluster
	 */
	public static NatsTestCluster start(int size) {
		return start(size, "");
	}

	/**
	 * Starts a cluster whose servers have extra JetStream settings, and waits until it can place a stream with
	 * {@code size} replicas.
	 * @param size the number of servers
	 * @param jetStreamConfig lines added to each server's {@code jetstream} block, e.g. {@code sync_interval: always}
	 * @return the formed cluster
	 */
	public static NatsTestCluster start(int size, String jetStreamConfig) {
		for (int attempt = 1;; attempt++) {
			try {
				return startOnce(size, jetStreamConfig, (attempt < ATTEMPTS) ? ATTEMPT_TIMEOUT : FORM_TIMEOUT);
			}
			catch (ClusterNotFormedException ex) {
				if (attempt == ATTEMPTS) {
					throw ex;
				}
				System.err.println("NATS test cluster did not form (attempt " + attempt + "); starting it again: "
						+ ex.getMessage());
			}
		}
	}

	private static NatsTestCluster startOnce(int size, String jetStreamConfig, Duration timeout) {
		List<Integer> ports = FreePorts.many(2 * size);
		String clusterName = "test-cluster-" + ports.get(0);
		List<NatsTestServer> servers = new ArrayList<>();
		try {
			for (int i = 0; i < size; i++) {
				StringBuilder cluster = new StringBuilder();
				cluster.append("cluster {\n  name: \"").append(clusterName).append("\"\n");
				cluster.append("  listen: \"127.0.0.1:").append(ports.get(size + i)).append("\"\n  routes: [\n");
				for (int j = 0; j < size; j++) {
					if (j != i) {
						cluster.append("    \"nats://127.0.0.1:").append(ports.get(size + j)).append("\"\n");
					}
				}
				cluster.append("  ]\n}\n");
				servers.add(NatsTestServer.start(ports.get(i), clusterName + "-n" + i, cluster.toString(),
						jetStreamConfig));
			}
			NatsTestCluster formed = new NatsTestCluster(servers);
			formed.awaitJetStream(size, timeout);
			return formed;
		}
		catch (RuntimeException ex) {
			servers.forEach(NatsTestServer::close);
			throw ex;
		}
	}

	/**
	 * Waits until a stream with the given number of replicas can be created (and deletes it again).
	 * @param replicas the replicas the check stream asks for
	 */
	public void awaitJetStream(int replicas) {
		awaitJetStream(replicas, FORM_TIMEOUT);
	}

	private void awaitJetStream(int replicas, Duration timeout) {
		Options options = new Options.Builder().servers(urls().toArray(String[]::new))
			.connectionTimeout(Duration.ofSeconds(2))
			.maxReconnects(-1)
			.build();
		try (Connection connection = Nats.connectReconnectOnConnect(options)) {
			JetStreamManagement jsm = connection.jetStreamManagement();
			String name = "cluster-check-" + UUID.randomUUID();
			await().atMost(timeout).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
				try {
					jsm.addStream(StreamConfiguration.builder()
						.name(name)
						.subjects(name)
						.storageType(StorageType.Memory)
						.replicas(replicas)
						.build());
				}
				catch (IOException | JetStreamApiException ex) {
					throw new AssertionError("JetStream cannot place a stream with " + replicas + " replicas yet: "
							+ ex.getMessage(), ex);
				}
			});
			jsm.deleteStream(name);
		}
		catch (ConditionTimeoutException ex) {
			throw new ClusterNotFormedException("The NATS test cluster did not form within " + timeout.toSeconds()
					+ " s: " + ex.getMessage() + "\n" + logTails(), ex);
		}
		catch (IOException | JetStreamApiException ex) {
			throw new IllegalStateException("Could not check the NATS test cluster: " + ex.getMessage() + "\n"
					+ logTails(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the NATS test cluster", ex);
		}
	}

	private String logTails() {
		return this.servers.stream()
			.map((server) -> "--- " + server.name() + " (" + server.logFile() + "):\n" + tail(server))
			.collect(Collectors.joining("\n"));
	}

	private static String tail(NatsTestServer server) {
		try {
			List<String> lines = java.nio.file.Files.readAllLines(server.logFile());
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	/**
	 * The client URLs of all servers, in server order.
	 * @return the URLs
	 */
	public List<String> urls() {
		return this.servers.stream().map(NatsTestServer::url).toList();
	}

	/**
	 * One server, e.g. to kill or restart it.
	 * @param index 0-based
	 * @return the server
	 */
	public NatsTestServer server(int index) {
		return this.servers.get(index);
	}

	/**
	 * The number of servers.
	 * @return the size
	 */
	public int size() {
		return this.servers.size();
	}

	/**
	 * Stops every server and deletes their directories.
	 */
	@Override
	public void close() {
		this.servers.forEach(NatsTestServer::close);
	}

	/**
	 * The cluster's servers run but JetStream cannot place a stream with the wanted replicas in time.
	 */
	static final class ClusterNotFormedException extends IllegalStateException {

		ClusterNotFormedException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
