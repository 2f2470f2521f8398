package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.snapshot.SnapshotConfig;

/**
 * A node in its own JVM, so tests can kill it hard. Arguments: node id, database path, stream prefix, NATS URLs
 * (comma-separated), ignored tables (comma-separated, may be empty), and optionally the snapshot bucket and the
 * snapshot lease TTL in seconds (snapshots every 2 seconds).
 */
public final class NodeMain {

	private NodeMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		HarmonyLiteConfig config = HarmonyLiteConfig.builder()
			.nodeId(Long.parseLong(args[0]))
			.dbPath(Path.of(args[1]))
			.ignoreTables((args.length > 4 && !args[4].isEmpty()) ? List.of(args[4].split(",")) : List.of())
			.pollingInterval(Duration.ofMillis(20))
			.nats(NatsConfig.external(args[3].split(",")))
			.replication(new ReplicationConfig(defaults.shards(), args[2], args[2] + "-subject", 1,
					defaults.maxEntries(), false, false, defaults.publishWindow(), defaults.applyBatchSize()))
			.snapshot((args.length > 6) ? SnapshotConfig.builder()
				.bucket(args[5])
				.interval(Duration.ofSeconds(2))
				.leaseTtl(Duration.ofSeconds(Long.parseLong(args[6])))
				.build() : SnapshotConfig.defaults())
			.build();
		runUntilKilled(config);
	}

	/**
	 * Starts a node, says {@code NODE STARTED} on standard output, and runs until the process is killed.
	 * @param config the node's configuration
	 * @throws InterruptedException if interrupted while running
	 */
	static void runUntilKilled(HarmonyLiteConfig config) throws InterruptedException {
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(config).build();
		engine.start();
		System.out.println("NODE STARTED");
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
