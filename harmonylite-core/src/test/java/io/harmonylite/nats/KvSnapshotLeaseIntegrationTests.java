package io.harmonylite.nats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.testsupport.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

	private static NatsTestServer server;

	private static Connection connection;

	@TempDir
	Path dir;

	private Process holder;

	@BeforeAll
	static void startNats() throws Exception {
		server = NatsTestServer.start();
		connection = Nats.connect(server.url());
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

	@AfterEach
	void killHolder() throws InterruptedException {
		if (this.holder != null) {
			this.holder.destroyForcibly();
			this.holder.waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void onlyOneNodeShouldHoldTheLeaseAtATime() {
		String bucket = uniqueBucket();
		KvSnapshotLease first = new KvSnapshotLease(connection, bucket, TTL, 1, 1);
		KvSnapshotLease second = new KvSnapshotLease(connection, bucket, TTL, 1, 2);
		assertThat(first.acquireOrRenew()).isTrue();
		assertThat(second.acquireOrRenew()).isFalse();
		assertThat(first.acquireOrRenew()).as("renewed").isTrue();
		assertThat(second.acquireOrRenew()).isFalse();
		assertThat(second.holder()).contains(1L);
	}

	@Test
	void releasedLeaseShouldBeTakenByAnotherNodeAtOnce() {
		String bucket = uniqueBucket();
		KvSnapshotLease first = new KvSnapshotLease(connection, bucket, Duration.ofMinutes(5), 1, 1);
		KvSnapshotLease second = new KvSnapshotLease(connection, bucket, Duration.ofMinutes(5), 1, 2);
		assertThat(first.acquireOrRenew()).isTrue();
		first.release();
		assertThat(first.holder()).isEmpty();
		assertThat(second.acquireOrRenew()).isTrue();
		assertThat(first.acquireOrRenew()).isFalse();
	}

	@Test
	void leaseNotRenewedShouldExpireAndBeHandedOverAndItsFormerHolderShouldKnowItLostIt() {
		String bucket = uniqueBucket();
		KvSnapshotLease first = new KvSnapshotLease(connection, bucket, TTL, 1, 1);
		KvSnapshotLease second = new KvSnapshotLease(connection, bucket, TTL, 1, 2);
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
		this.holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), LeaseHolderMain.class.getName(), server.url(), bucket,
				Long.toString(TTL.toMillis()), "1")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("HOLDING"));
		KvSnapshotLease second = new KvSnapshotLease(connection, bucket, TTL, 1, 2);
		// While the holder renews, the lease outlives several TTLs without being handed over.
		await().during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(4)).pollInterval(Duration.ofMillis(200))
			.until(() -> !second.acquireOrRenew());

		this.holder.destroyForcibly();
		assertThat(this.holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

		await().atMost(TTL.multipliedBy(5)).pollInterval(Duration.ofMillis(200)).until(second::acquireOrRenew);
		assertThat(second.holder()).contains(2L);
	}

	@Test
	void restartedHolderShouldTakeBackTheLeaseRecordedUnderItsId() {
		String bucket = uniqueBucket();
		assertThat(new KvSnapshotLease(connection, bucket, Duration.ofMinutes(5), 1, 1).acquireOrRenew()).isTrue();
		KvSnapshotLease restarted = new KvSnapshotLease(connection, bucket, Duration.ofMinutes(5), 1, 1);
		assertThat(restarted.acquireOrRenew()).isTrue();
		assertThat(new KvSnapshotLease(connection, bucket, Duration.ofMinutes(5), 1, 2).acquireOrRenew()).isFalse();
	}

	@Test
	void firstUseShouldCreateTheBucketWithTheLeaseTtlAndOneRevision() throws Exception {
		String bucket = uniqueBucket();
		KvSnapshotLease lease = new KvSnapshotLease(connection, bucket, Duration.ofSeconds(7), 1, 1);
		assertThat(lease.holder()).isEqualTo(Optional.empty());
		KeyValueStatus status = connection.keyValueManagement().getStatus(bucket);
		assertThat(status.getTtl()).isEqualTo(Duration.ofSeconds(7));
		assertThat(status.getMaxHistoryPerKey()).isOne();
		assertThat(status.getReplicas()).isOne();
		assertThat(status.getStorageType()).isEqualTo(StorageType.File);
	}

	private static String uniqueBucket() {
		return "lease-" + buckets.incrementAndGet();
	}

}
