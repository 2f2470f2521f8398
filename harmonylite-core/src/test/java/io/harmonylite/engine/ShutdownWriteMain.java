package io.harmonylite.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.nats.embedded.EmbeddedNatsServer;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.EmbeddedClusterLayout;

/**
 * A node with its own embedded nats-server in its own JVM, whose application writes during its shutdown, as a web
 * application does while it drains its last requests: on SIGTERM, a shutdown hook waits for the server to go away (at
 * most 2 s, the drain), writes a row, lets the node send it (at most 5 s), then stops the node in order. Arguments:
 * database path, store directory, client port.
 */
public final class ShutdownWriteMain {

	private ShutdownWriteMain() {
	}

	public static void main(String[] args) throws Exception {
		Path database = Path.of(args[0]);
		Path store = Path.of(args[1]);
		HarmonyLiteConfig config = HarmonyLiteConfig.builder()
			.nodeId(1)
			.dbPath(database)
			.pollingInterval(Duration.ofMillis(20))
			.nats(EmbeddedClusterLayout
				.nats(new EmbeddedNatsConfig(null, store, Integer.parseInt(args[2]), null, List.of())))
			.build();
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(config).build();
		engine.start();
		long serverPid = Long.parseLong(Files.readString(store.resolve(EmbeddedNatsServer.PID_FILE)).strip());
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			drain(serverPid);
			try (Connection connection = SqliteConnections.open(database);
					Statement statement = connection.createStatement()) {
				statement.execute("INSERT INTO Books VALUES (2, 'written while draining')");
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (engine.status().pendingChanges() > 0 && System.nanoTime() < deadline) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			}
			engine.close();
		}));
		System.out.println("NODE STARTED");
		System.out.flush();
		new CountDownLatch(1).await();
	}

	/** Waits until the server has gone, or 2 s, as long as a web server drains its requests. */
	private static void drain(long serverPid) {
		ProcessHandle.of(serverPid).ifPresent((server) -> {
			try {
				server.onExit().get(2, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				// Still running after the drain.
			}
			catch (Exception ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

}
