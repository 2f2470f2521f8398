package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.testsupport.EmbeddedClusterLayout;

/**
 * A node with its own embedded nats-server, in its own JVM, so that tests can kill both hard. Arguments: node id,
 * database path, store directory, client port, cluster address, peers (comma-separated), ignored tables
 * (comma-separated, may be empty). Published change-log rows are kept for an hour, so that a test can read which
 * changes were acknowledged.
 */
public final class EmbeddedNodeMain {

	private EmbeddedNodeMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		EmbeddedNatsConfig embedded = new EmbeddedNatsConfig(null, Path.of(args[2]), Integer.parseInt(args[3]),
				args[4], List.of(args[5].split(",")));
		HarmonyLiteConfig config = HarmonyLiteConfig.builder()
			.nodeId(Long.parseLong(args[0]))
			.dbPath(Path.of(args[1]))
			.ignoreTables(Arrays.stream(args[6].split(",")).filter((table) -> !table.isEmpty()).toList())
			.pollingInterval(Duration.ofMillis(20))
			.cleanupInterval(Duration.ofHours(1))
			.nats(EmbeddedClusterLayout.nats(embedded))
			.build();
		NodeMain.runUntilKilled(config);
	}

}
