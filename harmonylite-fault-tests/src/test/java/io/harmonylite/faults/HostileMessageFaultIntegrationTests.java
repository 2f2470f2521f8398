package io.harmonylite.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.support.JsonValue;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages no node should ever execute, published straight to a shard stream while every node writes: garbage, a
 * table that does not exist, a NOT NULL and a UNIQUE violation, a key of the wrong type, a column that does not exist,
 * a change to a table the nodes do not replicate, and a schema hash that no node has. Each is quarantined in the dead
 * letter and counted on every node, none changes any row, and the changes around them keep replicating.
 */
class HostileMessageFaultIntegrationTests {

	private static final String SUBJECT = "harmonylite-change-log-0";

	private static final int HOSTILE = 8;

	@RegisterExtension
	final FaultClusters clusters = new FaultClusters();

	@Test
	void hostileMessagesAreDeadLetteredOnEveryNodeAndNeverStopReplication() throws Exception {
		FaultCluster cluster = this.clusters.onLoopback(3, "--harmonylite.replication.replicas=3",
				"--harmonylite.ignore-tables=secrets", "--harmonylite.schema.unknown-hash-quarantine=5s");
		try (Workload workload = new Workload(cluster.databases(), 20);
				Connection nats = Nats.connect(cluster.node(1).natsUrl())) {
			JetStream jetStream = nats.jetStream();
			workload.awaitMore(60);
			for (byte[] message : hostileMessages()) {
				publish(jetStream, message);
				workload.awaitMore(15);
			}
			workload.awaitMore(60);
			workload.close();
			cluster.awaitConverged(workload, Duration.ofSeconds(90));
			for (NodeProcess node : cluster.nodes()) {
				await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(deadLettered(node))
					.as("messages dead-lettered by node %d", node.id())
					.isEqualTo(HOSTILE));
				assertThat(Databases.count(node.dbPath(), "secrets")).as("secrets on node %d", node.id()).isZero();
				assertThat(Databases.count(node.dbPath(), "tags")).as("tags on node %d", node.id()).isEqualTo(1);
				assertThat(Databases.eventIds(node.dbPath())).as("events on node %d", node.id())
					.doesNotContain(7L, 8L, 9L);
				FaultCluster.awaitUp(node, Duration.ofSeconds(30));
			}
		}
	}

	private static List<byte[]> hostileMessages() {
		ChangeEventCodec codec = new ChangeEventCodec(false);
		return List.of("not a change event at all".getBytes(StandardCharsets.UTF_8),
				codec.encode(change("no_such_table", row("id", 1L, "x", "y"), "")),
				codec.encode(change("events", row("id", 7L, "origin", 9L, "seq", 1L, "payload", null), "")),
				codec.encode(change("tags", row("id", 2L, "name", "taken"), "")),
				codec.encode(change("events", row("id", "eight", "origin", 9L, "seq", 1L, "payload", "p"), "")),
				codec.encode(change("events", row("id", 9L, "origin", 9L, "seq", 1L, "payload", "p", "nope", 1L),
						"")),
				codec.encode(change("secrets", row("id", 1L, "value", "stolen"), "")),
				codec.encode(change("tags", row("id", 3L, "name", "from the future"), "f".repeat(64))));
	}

	private static ChangeEvent change(String table, Map<String, @Nullable Object> row, String schemaHash) {
		// Versioned, as every node of this release writes them.
		long now = System.currentTimeMillis();
		return new ChangeEvent(99, 1, table, Operation.INSERT, row, List.of("id"), now, schemaHash)
			.withHlc(Version.hlcOf(now));
	}

	private static void publish(JetStream jetStream, byte[] message) throws IOException, JetStreamApiException {
		jetStream.publish(SUBJECT, message);
	}

	private static long deadLettered(NodeProcess node) {
		JsonValue status = node.actuator("harmonylite");
		if (status == null || status.map.get("shards") == null) {
			return -1;
		}
		long total = 0;
		for (JsonValue shard : status.map.get("shards").array) {
			JsonValue count = shard.map.get("deadLettered");
			total += (count != null && count.i != null) ? count.i : (count != null && count.l != null) ? count.l : 0;
		}
		return total;
	}

}
