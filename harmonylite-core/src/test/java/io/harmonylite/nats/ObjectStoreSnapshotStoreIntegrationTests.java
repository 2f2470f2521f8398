package io.harmonylite.nats;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotNotFoundException;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotStoreContract;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.Options;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.PurgeOptions;
import io.nats.client.api.StorageType;
import io.nats.client.support.NatsJetStreamClientError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

	@Test
	void listShouldLeaveOutASnapshotWhoseManifestIsNotFoundOnceListed() throws Exception {
		String bucket = uniqueBucket();
		Path data = data("data", 1000, 3);
		SnapshotMetadata kept = metadata("kept", Instant.EPOCH, data);
		SnapshotMetadata gone = metadata("gone", Instant.EPOCH.plusSeconds(1), data);
		new ObjectStoreSnapshotStore(nats.connection(), bucket, 1).put(kept, data);
		new ObjectStoreSnapshotStore(nats.connection(), bucket, 1).put(gone, data);
		// Listed, then not found: as a lagging replica answers, or the retention of another node deleted it meanwhile.
		ObjectStoreSnapshotStore store = new ObjectStoreSnapshotStore(notFound(bucket, "gone.manifest"), bucket, 1);
		assertThat(store.list()).containsExactly(kept);
		assertThat(store.list()).containsExactly(kept);
	}

	@Test
	void listShouldLeaveOutASnapshotWhoseDataObjectIsGone() throws Exception {
		String bucket = uniqueBucket();
		ObjectStoreSnapshotStore store = new ObjectStoreSnapshotStore(nats.connection(), bucket, 1);
		Path data = data("data", 1000, 4);
		SnapshotMetadata kept = metadata("kept", Instant.EPOCH, data);
		store.put(kept, data);
		store.put(metadata("gone", Instant.EPOCH.plusSeconds(1), data), data);
		nats.connection().objectStore(bucket).delete("gone.db.zst");
		assertThat(store.list()).containsExactly(kept);
	}

	@Test
	void getShouldThrowNotFoundWhenTheDataIsNotFoundAfterTheManifest() throws Exception {
		String bucket = uniqueBucket();
		Path data = data("data", 1000, 5);
		SnapshotMetadata gone = metadata("gone", Instant.EPOCH, data);
		new ObjectStoreSnapshotStore(nats.connection(), bucket, 1).put(gone, data);
		ObjectStoreSnapshotStore store = new ObjectStoreSnapshotStore(notFound(bucket, "gone.db.zst"), bucket, 1);
		assertThatExceptionOfType(SnapshotNotFoundException.class)
			.isThrownBy(() -> store.get("gone", this.temp.resolve("target")))
			.withMessageContaining("gone");
	}

	@Test
	void getShouldThrowNotFoundWhenTheDataChunkIsGone() throws Exception {
		String bucket = uniqueBucket();
		ObjectStoreSnapshotStore store = new ObjectStoreSnapshotStore(nats.connection(), bucket, 1);
		Path data = data("data", 1000, 6);
		store.put(metadata("gone", Instant.EPOCH, data), data);
		String nuid = nats.connection().objectStore(bucket).getInfo("gone.db.zst").getNuid();
		nats.connection().jetStreamManagement().purgeStream("OBJ_" + bucket,
				PurgeOptions.subject("$O." + bucket + ".C." + nuid));
		assertThatExceptionOfType(SnapshotNotFoundException.class)
			.isThrownBy(() -> store.get("gone", this.temp.resolve("target")));
	}

	/**
	 * A connection to the test server whose object store of the bucket answers "not found" for the objects named, as
	 * jnats does when their info is missing ({@code [OS-90201]}).
	 */
	private static Connection notFound(String bucket, String... names) {
		Connection real = nats.connection();
		ObjectStore store = forward(ObjectStore.class, (method, args) -> {
			if (method.getName().equals("get") && List.of(names).contains(args[0])) {
				throw NatsJetStreamClientError.OsObjectNotFound.instance();
			}
			return method.invoke(real.objectStore(bucket), args);
		});
		return forward(Connection.class, (method, args) -> (method.getName().equals("objectStore") && args.length == 1)
				? store : method.invoke(real, args));
	}

	private static <T> T forward(Class<T> type, Call call) {
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
			try {
				return call.invoke(method, (args != null) ? args : new Object[0]);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}));
	}

	@FunctionalInterface
	private interface Call {

		Object invoke(Method method, Object[] args) throws Exception;

	}

	private static String uniqueBucket() {
		return "snapshots-" + buckets.incrementAndGet();
	}

}
