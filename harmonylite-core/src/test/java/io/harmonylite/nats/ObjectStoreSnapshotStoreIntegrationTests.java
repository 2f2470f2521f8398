package io.harmonylite.nats;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotStoreContract;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link SnapshotStoreContract} against a NATS JetStream object store on a real {@code nats-server -js}.
 */
class ObjectStoreSnapshotStoreIntegrationTests extends SnapshotStoreContract {

	private static final AtomicInteger buckets = new AtomicInteger();

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@Override
	protected SnapshotStore createStore() {
		return new ObjectStoreSnapshotStore(nats.connection(), uniqueBucket(), 1);
	}

	@Test
	void firstPutShouldCreateAFileBackedBucketWithTheConfiguredReplicas() throws Exception {
		String bucket = uniqueBucket();
		ObjectStoreSnapshotStore store = new ObjectStoreSnapshotStore(nats.connection(), bucket, 1);
		assertThat(nats.connection().objectStoreManagement().getBucketNames()).doesNotContain(bucket);
		Path data = data("data", 10, 1);
		store.put(metadata("first", Instant.EPOCH, data), data);
		ObjectStoreStatus status = nats.connection().objectStoreManagement().getStatus(bucket);
		assertThat(status.getStorageType()).isEqualTo(StorageType.File);
		assertThat(status.getReplicas()).isOne();
		assertThat(nats.connection().objectStore(bucket).getList()).extracting((info) -> info.getObjectName())
			.containsExactlyInAnyOrder("first.db.zst", "first.manifest");
	}

	@Test
	void storeShouldSeeSnapshotsPutThroughAnotherConnection() throws Exception {
		String bucket = uniqueBucket();
		Path data = data("data", 1000, 2);
		SnapshotMetadata metadata = metadata("shared", Instant.EPOCH, data);
		try (Connection other = Nats.connect(Options.builder().server(nats.url()).build())) {
			new ObjectStoreSnapshotStore(other, bucket, 1).put(metadata, data);
		}
		assertThat(new ObjectStoreSnapshotStore(nats.connection(), bucket, 1).list()).containsExactly(metadata);
	}

	private static String uniqueBucket() {
		return "snapshots-" + buckets.incrementAndGet();
	}

}
