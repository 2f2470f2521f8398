package io.harmonylite.nats;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.harmonylite.engine.TestDatabase;
import io.harmonylite.snapshot.ConsistencyCheck;
import io.harmonylite.snapshot.ReplicatedTables;
import io.harmonylite.snapshot.SnapshotLease;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotSaver;
import io.harmonylite.snapshot.SnapshotScheduler;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotTaker;
import io.harmonylite.testsupport.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes scheduling snapshots into one NATS object store through the NATS KV lease: only the holder takes them,
 * and when the holder dies (stops renewing) the other node takes over within the lease TTL.
 */
class SnapshotSchedulerIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(2);

	@TempDir
	Path dir;

	private NatsTestServer server;

	private Connection connection;

	private SnapshotScheduler first;

	private SnapshotScheduler second;

	@BeforeEach
	void startNats() throws Exception {
		this.server = NatsTestServer.start();
		this.connection = Nats.connect(this.server.url());
	}

	@AfterEach
	void stop() throws InterruptedException {
		for (SnapshotScheduler scheduler : new SnapshotScheduler[] { this.first, this.second }) {
			if (scheduler != null) {
				scheduler.close();
			}
		}
		this.connection.close();
		this.server.close();
	}

	@Test
	void onlyTheLeaseHolderShouldTakeSnapshotsAndAnotherNodeShouldTakeOverWhenItDies() {
		SnapshotStore store = new ObjectStoreSnapshotStore(this.connection, "snapshots", 1);
		DyingLease firstLease = new DyingLease(new KvSnapshotLease(this.connection, "lease", TTL, 1, 1));
		this.first = scheduler(1, store, firstLease);
		this.first.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> store.list().size() >= 2);
		this.second = scheduler(2, store, new KvSnapshotLease(this.connection, "lease", TTL, 1, 2));
		this.second.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> store.list().size() >= 4);
		assertThat(store.list()).extracting(SnapshotMetadata::nodeId).containsOnly(1L);
		assertThat(this.second.isLeader()).isFalse();

		firstLease.die();

		await().atMost(TTL.multipliedBy(5)).until(this.second::isLeader);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(store.list().get(0).nodeId()).isEqualTo(2L));
		assertThat(this.first.isLeader()).isFalse();
	}

	private SnapshotScheduler scheduler(long nodeId, SnapshotStore store, SnapshotLease lease) {
		TestDatabase db = new TestDatabase(this.dir.resolve("node-" + nodeId + ".db"));
		db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)", "INSERT INTO Books VALUES (1, 'one')");
		SnapshotTaker taker = new SnapshotTaker(db.path(), nodeId, ReplicatedTables.all(), ConsistencyCheck.always(),
				this.dir.resolve("work-" + nodeId), Clock.systemUTC());
		// A snapshot every 300 ms, so that a few are taken within the test.
		return new SnapshotScheduler(nodeId, new SnapshotSaver(taker, store, 100), lease, Duration.ofMillis(300), 0,
				TTL.dividedBy(3), () -> 0, Clock.systemUTC());
	}

	/**
	 * A lease whose holder dies: from then on it neither renews nor releases, as a killed process would.
	 */
	private static final class DyingLease implements SnapshotLease {

		private final SnapshotLease delegate;

		private final AtomicBoolean dead = new AtomicBoolean();

		DyingLease(SnapshotLease delegate) {
			this.delegate = delegate;
		}

		void die() {
			this.dead.set(true);
		}

		@Override
		public boolean acquireOrRenew() {
			return !this.dead.get() && this.delegate.acquireOrRenew();
		}

		@Override
		public void release() {
			if (!this.dead.get()) {
				this.delegate.release();
			}
		}

		@Override
		public Optional<Long> holder() {
			return this.delegate.holder();
		}

	}

}
