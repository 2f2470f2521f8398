package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.harmonylite.apply.ApplyListener;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running node whose apply worker is killed by an {@link Error} from an injected part: the death is reported in the
 * status and to the callback, the worker restarts, and replication goes on.
 */
class WorkerSupervisionIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path dir;

	private final List<WorkerFailure> failures = new CopyOnWriteArrayList<>();

	private final List<EngineStatus> statusWhenReported = new CopyOnWriteArrayList<>();

	private final AtomicReference<HarmonyLiteEngine> engine = new AtomicReference<>();

	@AfterEach
	void stop() {
		this.engine.get().close();
	}

	@Test
	void applyWorkerKilledByAnErrorShouldBeReportedRestartedAndGoOn() {
		TestDatabase db = new TestDatabase(this.dir.resolve("node.db"));
		db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		AtomicBoolean killed = new AtomicBoolean();
		ApplyListener killer = new ApplyListener() {

			@Override
			public void applied(ChangeEvent event, Duration lag) {
				if (killed.compareAndSet(false, true)) {
					throw new OutOfMemoryError("injected by the test");
				}
			}

		};
		HarmonyLiteEngine node = HarmonyLiteEngine.builder(config(db)).applyListener(killer).workerFailureCallback((failure) -> {
			this.failures.add(failure);
			this.statusWhenReported.add(this.engine.get().status());
		}).build();
		this.engine.set(node);
		node.start();

		db.execute("INSERT INTO Books VALUES (1, 'Dune')");

		// The callback records the failure, then the status: wait for both.
		await().atMost(TIMEOUT).until(() -> this.statusWhenReported.size() == 1);
		assertThat(this.failures.get(0).worker()).isEqualTo("apply");
		assertThat(this.failures.get(0).error()).isInstanceOf(OutOfMemoryError.class).hasMessage("injected by the test");
		EngineStatus reported = this.statusWhenReported.get(0);
		assertThat(reported.state()).isEqualTo(NodeState.WORKER_FAILED);
		assertThat(reported.workers()).filteredOn((worker) -> worker.name().equals("apply"))
			.singleElement()
			.satisfies((worker) -> {
				assertThat(worker.state()).isEqualTo(EngineStatus.WorkerState.RESTARTING);
				assertThat(worker.failure()).contains("injected by the test");
			});

		await().atMost(TIMEOUT).untilAsserted(() -> {
			EngineStatus status = node.status();
			assertThat(status.state()).isEqualTo(NodeState.RUNNING);
			assertThat(status.workers()).extracting(EngineStatus.Worker::name)
				.containsExactly("apply", "snapshot-recovery", "publisher", "change-notifier", "maintenance",
						"stream-watch");
			assertThat(status.workers().get(0).restarts()).isOne();
			assertThat(status.counters().workerRestarts()).isOne();
		});
		db.execute("INSERT INTO Books VALUES (2, 'Emma')");
		// Every node applies its own changes back in stream order: the restarted loop reaches the second one.
		await().atMost(TIMEOUT).until(() -> node.status().shards().get(0).appliedSequence() == 2);
		assertThat(this.failures).hasSize(1);
	}

	private static HarmonyLiteConfig config(TestDatabase db) {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		String prefix = "workers-" + ProcessHandle.current().pid();
		return HarmonyLiteConfig.builder()
			.nodeId(1)
			.dbPath(db.path())
			.pollingInterval(Duration.ofMillis(20))
			.nats(NatsConfig.external(nats.url()))
			.replication(new ReplicationConfig(1, prefix, prefix + "-subject", 1, defaults.maxEntries(), false, false,
					defaults.publishWindow(), defaults.applyBatchSize()))
			.build();
	}

}
