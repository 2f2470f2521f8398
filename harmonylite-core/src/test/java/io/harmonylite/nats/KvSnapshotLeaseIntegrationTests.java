package io.harmonylite.nats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.testsupport.ChildProcesses;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The snapshot lease on a real {@code nats-server -js}: one holder at a time, handed over when the holder releases
 * it, stops renewing it, or is killed.
 */
class KvSnapshotLeaseIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(2);

	private static final AtomicInteger buckets = new AtomicInteger();

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path dir;

	@RegisterExtension
	final ChildProcesses processes = new ChildProcesses();

	@Test
	void onlyOneNodeShouldHoldTheLeaseAtATime() {
		String bucket = uniqueBucket();
		KvSnapshotLease first = lease(bucket, TTL, 1);
		KvSnapshotLease second = lease(bucket, TTL, 2);
		assertThat(first.acquireOrRenew()).isTrue();
		assertThat(second.acquireOrRenew()).isFalse();
		assertThat(first.acquireOrRenew()).as("renewed").isTrue();
		assertThat(second.acquireOrRenew()).isFalse();
		assertThat(second.holder()).contains(1L);
	}

	@Test
	void requestForASnapshotShouldBeSeenByTheHolderUntilItExpires() {
		String bucket = uniqueBucket();
		KvSnapshotLease holder = lease(bucket, TTL, 1);
		KvSnapshotLease waiting = lease(bucket, TTL, 2);
		assertThat(holder.acquireOrRenew()).isTrue();
		assertThat(holder.request()).isEmpty();
		Instant before = Instant.now().minusSeconds(1);

		waiting.requestSnapshot();

		assertThat(holder.request()).hasValueSatisfying((request) -> {
			assertThat(request.nodeId()).isEqualTo(2);
			assertThat(request.at()).isAfter(before);
		});
		assertThat(holder.holder()).as("the lease itself is untouched").contains(1L);
		await().atMost(TTL.multipliedBy(5)).pollInterval(Duration.ofMillis(200))
			.until(() -> holder.request().isEmpty());
	}

	@Test
	void releasedLeaseShouldBeTakenByAnotherNodeAtOnce() {
		String bucket = uniqueBucket();
		KvSnapshotLease first = lease(bucket, Duration.ofMinutes(5), 1);
		KvSnapshotLease second = lease(bucket, Duration.ofMinutes(5), 2);
		assertThat(first.acquireOrRenew()).isTrue();
		first.release();
		assertThat(first.holder()).isEmpty();
		assertThat(second.acquireOrRenew()).isTrue();
		assertThat(first.acquireOrRenew()).isFalse();
	}

	@Test
	void leaseNotRenewedShouldExpireAndBeHandedOverAndItsFormerHolderShouldKnowItLostIt() {
		String bucket = uniqueBucket();
		KvSnapshotLease first = lease(bucket, TTL, 1);
		KvSnapshotLease second = lease(bucket, TTL, 2);
		assertThat(first.acquireOrRenew()).isTrue();
		// The first node stops renewing (frozen, or cut off from NATS).
		await().atMost(TTL.multipliedBy(5)).pollInterval(Duration.ofMillis(200)).until(second::acquireOrRenew);
		assertThat(second.holder()).contains(2L);
		assertThat(first.acquireOrRenew()).as("the revision it renews is gone").isFalse();
		assertThat(second.acquireOrRenew()).isTrue();
	}

	@Test
	void leaseOfAKilledHolderProcessShouldBeHandedOver() throws Exception {
		String bucket = uniqueBucket();
		Path log = this.dir.resolve("holder.log");
		Process holder = this.processes.start(ChildProcesses.java(LeaseHolderMain.class, nats.url(), bucket,
				Long.toString(TTL.toMillis()), "1")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile()));
		await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("HOLDING"));
		KvSnapshotLease second = lease(bucket, TTL, 2);
		// While the holder renews, the lease outlives several TTLs without being handed over.
		await().during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(4)).pollInterval(Duration.ofMillis(200))
			.until(() -> !second.acquireOrRenew());

		holder.destroyForcibly();
		assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

		await().atMost(TTL.multipliedBy(5)).pollInterval(Duration.ofMillis(200)).until(second::acquireOrRenew);
		assertThat(second.holder()).contains(2L);
	}

	@Test
	void restartedHolderShouldTakeBackTheLeaseRecordedUnderItsId() {
		String bucket = uniqueBucket();
		assertThat(lease(bucket, Duration.ofMinutes(5), 1).acquireOrRenew()).isTrue();
		KvSnapshotLease restarted = lease(bucket, Duration.ofMinutes(5), 1);
		assertThat(restarted.acquireOrRenew()).isTrue();
		assertThat(lease(bucket, Duration.ofMinutes(5), 2).acquireOrRenew()).isFalse();
	}

	@Test
	void firstUseShouldCreateTheBucketWithTheLeaseTtlAndOneRevision() throws Exception {
		String bucket = uniqueBucket();
		KvSnapshotLease lease = lease(bucket, Duration.ofSeconds(7), 1);
		assertThat(lease.holder()).isEqualTo(Optional.empty());
		KeyValueStatus status = nats.connection().keyValueManagement().getStatus(bucket);
		assertThat(status.getTtl()).isEqualTo(Duration.ofSeconds(7));
		assertThat(status.getMaxHistoryPerKey()).isOne();
		assertThat(status.getReplicas()).isOne();
		assertThat(status.getStorageType()).isEqualTo(StorageType.File);
	}

	@Test
	void onlyTakingAnAbsentLeaseShouldAskTheServersToCheckTheKeysLastRevision() throws Exception {
		// nats-server 2.10 checks an expected last subject sequence on every replica, and a replica caught up from a
		// snapshot of this expiring bucket can reject what its leader took, and stay behind for good.
		String bucket = uniqueBucket();
		List<Message> written = new CopyOnWriteArrayList<>();
		Connection watcher = nats.connection();
		Dispatcher dispatcher = watcher.createDispatcher(written::add);
		dispatcher.subscribe("$KV." + bucket + ".>");
		watcher.flush(Duration.ofSeconds(5));
		KvSnapshotLease holder = lease(bucket, Duration.ofMinutes(5), 1);
		KvSnapshotLease other = lease(bucket, Duration.ofMinutes(5), 2);
		for (int heartbeat = 0; heartbeat < 3; heartbeat++) {
			assertThat(holder.acquireOrRenew()).isTrue();
			assertThat(other.acquireOrRenew()).isFalse();
		}
		assertThat(lease(bucket, Duration.ofMinutes(5), 1).acquireOrRenew()).as("taken back after a restart").isTrue();
		holder.release();

		await().atMost(Duration.ofSeconds(10)).until(() -> written.size() >= 5);
		watcher.closeDispatcher(dispatcher);
		assertThat(written.stream()
			.filter((message) -> message.getHeaders() != null
					&& message.getHeaders().get("Nats-Expected-Last-Subject-Sequence") != null)
			.count()).as("revision-checked writes among %s", written.size()).isOne();
	}

	private static String uniqueBucket() {
		return "lease-" + buckets.incrementAndGet();
	}

	private static KvSnapshotLease lease(String bucket, Duration ttl, long nodeId) {
		return new KvSnapshotLease(nats.connection(), bucket, ttl, 1, nodeId);
	}

}
