package io.harmonylite.nats;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.Nats;

/**
 * Holds the snapshot lease in its own JVM, renewing it every third of its TTL, so that a test can kill the holder.
 * Arguments: NATS URL, bucket, TTL in milliseconds, node id. Prints {@code HOLDING} once it holds the lease.
 */
public final class LeaseHolderMain {

	private LeaseHolderMain() {
	}

	public static void main(String[] args) throws Exception {
		Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
		Connection connection = Nats.connect(args[0]);
		KvSnapshotLease lease = new KvSnapshotLease(connection, args[1], ttl, 1, Long.parseLong(args[3]));
		ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
		CountDownLatch holding = new CountDownLatch(1);
		heartbeat.scheduleWithFixedDelay(() -> {
			if (lease.acquireOrRenew()) {
				holding.countDown();
			}
		}, 0, ttl.dividedBy(3).toMillis(), TimeUnit.MILLISECONDS);
		holding.await();
		System.out.println("HOLDING");
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
