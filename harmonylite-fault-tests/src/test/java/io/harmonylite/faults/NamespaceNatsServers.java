package io.harmonylite.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.harmonylite.testsupport.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.awaitility.Awaitility.await;

/**
 * A JetStream cluster of external nats-server processes, one in each namespace of a {@link FaultNetwork}, routed to
 * one another on the private network; clients in the root namespace reach each at {@link #url(int)}.
 */
final class NamespaceNatsServers implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NamespaceNatsServers.class);

	private static final int CLIENT_PORT = 4222;

	private static final int ROUTE_PORT = 6222;

	private static final Duration PLACEMENT_TIMEOUT = Duration.ofSeconds(60);

	private static final int STARTS = 3;

	private final FaultNetwork network;

	private final List<Process> processes = new ArrayList<>();

	private NamespaceNatsServers(FaultNetwork network) {
		this.network = network;
	}

	/**
	 * Starts one server in each of the network's namespaces and waits until JetStream places a stream on all of them.
	 * A cluster that cannot place one in {@link #PLACEMENT_TIMEOUT} (seen in CI: its meta leader elected, placement
	 * refused for minutes) is started again from empty stores, up to {@link #STARTS} times, its logs shown.
	 * @param network the network
	 * @param size the number of servers (and namespaces)
	 * @param dir where their configuration, stores and logs go
	 * @return the running servers
	 */
	static NamespaceNatsServers start(FaultNetwork network, int size, Path dir) {
		for (int start = 1;; start++) {
			NamespaceNatsServers servers = new NamespaceNatsServers(network);
			Path startDir = dir.resolve("start-" + start);
			try {
				Files.createDirectories(startDir);
				for (int server = 1; server <= size; server++) {
					servers.startOne(server, size, startDir);
				}
				for (int server = 1; server <= size; server++) {
					servers.awaitListening(server);
				}
				servers.awaitPlacement(size, startDir);
				return servers;
			}
			catch (IOException ex) {
				servers.close();
				throw new UncheckedIOException(ex);
			}
			catch (RuntimeException ex) {
				servers.close();
				if (start == STARTS) {
					throw ex;
				}
				logger.warn("Start {} of {}: {}; starting the servers again", start, STARTS, ex.getMessage());
			}
		}
	}

	/**
	 * A server's client URL.
	 * @param server the server, from 1
	 * @return its URL, reachable from the root namespace
	 */
	String url(int server) {
		return "nats://" + this.network.address(server) + ":" + CLIENT_PORT;
	}

	private void startOne(int server, int size, Path dir) {
		List<String> routes = new ArrayList<>();
		for (int other = 1; other <= size; other++) {
			if (other != server) {
				routes.add("\"nats://" + this.network.address(other) + ":" + ROUTE_PORT + "\"");
			}
		}
		String address = this.network.address(server);
		String config = """
				server_name: s%d
				listen: "%s:%d"
				jetstream { store_dir: "%s" }
				cluster { name: "fault", listen: "%s:%d", routes: [%s] }
				""".formatted(server, address, CLIENT_PORT, dir.resolve("store-" + server), address, ROUTE_PORT,
				String.join(", ", routes));
		try {
			Path file = Files.writeString(dir.resolve("nats-" + server + ".conf"), config);
			List<String> command = new ArrayList<>(List.of("setsid"));
			command.addAll(Commands.inNamespace(this.network.namespace(server),
					List.of(NatsTestServer.BINARY.toString(), "-c", file.toString())));
			this.processes.add(new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log(dir, server).toFile())
				.start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start nats-server " + server, ex);
		}
	}

	private void awaitListening(int server) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(this.network.address(server), CLIENT_PORT), 500);
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		});
		logger.info("nats-server {} listens at {}", server, url(server));
	}

	/**
	 * Waits until the cluster's JetStream places a stream on every server, as the nodes' streams will be: its meta
	 * leader can be elected well before it knows the other servers as peers.
	 */
	private void awaitPlacement(int size, Path dir) {
		StreamConfiguration probe = StreamConfiguration.builder()
			.name("placement-probe")
			.subjects("placement.probe")
			.replicas(size)
			.storageType(StorageType.File)
			.build();
		AtomicReference<String> lastRefusal = new AtomicReference<>("none yet");
		try {
			await().atMost(PLACEMENT_TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
				try (Connection connection = Nats.connect(url(1))) {
					JetStreamManagement management = connection.jetStreamManagement();
					management.addStream(probe);
					management.deleteStream(probe.getName());
					return true;
				}
				catch (IOException | JetStreamApiException | RuntimeException ex) {
					lastRefusal.set(ex.toString());
					return false;
				}
			});
		}
		catch (ConditionTimeoutException ex) {
			StringBuilder logs = new StringBuilder();
			for (int server = 1; server <= size; server++) {
				logs.append("%n--- nats-server %d:%n%s".formatted(server, LogTail.of(log(dir, server), 15)));
			}
			throw new IllegalStateException("JetStream placed no R%d stream in %s (last refusal: %s); the servers' logs:%s"
				.formatted(size, PLACEMENT_TIMEOUT, lastRefusal.get(), logs), ex);
		}
		logger.info("JetStream places streams on all {} servers", size);
	}

	private static Path log(Path dir, int server) {
		return dir.resolve("nats-" + server + ".log");
	}

	@Override
	public void close() {
		for (Process process : this.processes) {
			// setsid made each the leader of its own group: the group holds ip netns exec's nats-server.
			Commands.run(List.of("kill", "-KILL", "--", "-" + process.pid()));
			try {
				process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.processes.clear();
	}

}
