package io.harmonylite.nats;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotStoreContract;
import io.harmonylite.testsupport.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link SnapshotStoreContract} against a NATS JetStream object store on a real {@code nats-server -js}.
 */
class ObjectStoreSnapshotStoreIntegrationTests extends SnapshotStoreContract {

	private static final AtomicInteger buckets = new AtomicInteger();

	private static NatsTestServer server;

	private static Connection connection;

	@BeforeAll
	static void startNats() throws Exception {
		server = NatsTestServer.start();
		connection = Nats.connect(Options.builder().server(server.url()).build());
	}

	@AfterAll
	static void stopNats() throws InterruptedException {
		if (connection != null) {
			connection.close();
		}
		if (server != null) {
			server.close();
		}
	}

	@Override
	protected SnapshotStore createStore() {
		return new ObjectStoreSnapshotStore(connection, uniqueBucket(), 1);
	}

	@Test
	void firstPutShouldCreateAFileBackedBucketWithTheConfiguredReplicas() throws Exception {
		String bucket = uniqueBucket();
		ObjectStoreSnapshotStore store = new ObjectStoreSnapshotStore(connection, bucket, 1);
		assertThat(connection.objectStoreManagement().getBucketNames()).doesNotContain(bucket);
		Path data = data("data", 10, 1);
		store.put(metadata("first", Instant.EPOCH, data), data);
		ObjectStoreStatus status = connection.objectStoreManagement().getStatus(bucket);
		assertThat(status.getStorageType()).isEqualTo(StorageType.File);
		assertThat(status.getReplicas()).isOne();
		assertThat(connection.objectStore(bucket).getList()).extracting((info) -> info.getObjectName())
			.containsExactlyInAnyOrder("first.db.zst", "first.manifest");
	}

	@Test
	void storeShouldSeeSnapshotsPutThroughAnotherConnection() throws Exception {
		String bucket = uniqueBucket();
		Path data = data("data", 1000, 2);
		SnapshotMetadata metadata = metadata("shared", Instant.EPOCH, data);
		try (Connection other = Nats.connect(Options.builder().server(server.url()).build())) {
			new ObjectStoreSnapshotStore(other, bucket, 1).put(metadata, data);
		}
		assertThat(new ObjectStoreSnapshotStore(connection, bucket, 1).list()).containsExactly(metadata);
	}

	private static String uniqueBucket() {
		return "snapshots-" + buckets.incrementAndGet();
	}

}
