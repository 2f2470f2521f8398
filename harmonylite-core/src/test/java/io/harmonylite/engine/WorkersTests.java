package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import io.harmonylite.engine.EngineStatus.WorkerState;
import io.harmonylite.testsupport.CapturedLogs;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Workers}: a worker that dies is reported (status, callback) and restarted after a backoff.
 */
class WorkersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	@RegisterExtension
	final CapturedLogs logs = CapturedLogs.of(Workers.class);

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final List<WorkerFailure> failures = new CopyOnWriteArrayList<>();

	private final List<EngineStatus.Worker> statusSeenByCallback = new CopyOnWriteArrayList<>();

	private final Workers workers = new Workers(4, Clock.fixed(NOW, ZoneOffset.UTC), this.scheduler, (failure) -> {
		this.failures.add(failure);
		this.statusSeenByCallback.addAll(workers().status());
	}, new Workers.Backoff(Duration.ofMillis(20), Duration.ofMillis(100)));

	@TempDir
	Path dir;

	@AfterEach
	void stop() {
		this.workers.close();
		this.scheduler.shutdownNow();
	}

	private Workers workers() {
		return this.workers;
	}

	@Test
	void workerKilledByAnErrorShouldBeReportedAndRestarted() throws Exception {
		Loop loop = new Loop(1);
		this.workers.start(loop.worker("apply"));

		await().atMost(TIMEOUT).until(() -> loop.runs.get() == 2);
		await().atMost(TIMEOUT).until(() -> this.workers.status().get(0).state() == WorkerState.RUNNING);

		assertThat(this.failures).singleElement().satisfies((failure) -> {
			assertThat(failure.nodeId()).isEqualTo(4);
			assertThat(failure.worker()).isEqualTo("apply");
			assertThat(failure.error()).isInstanceOf(OutOfMemoryError.class).hasMessage("injected");
			assertThat(failure.message()).contains("apply", "OutOfMemoryError: injected", "restarting it in 20 ms");
			assertThat(failure.restartIn()).isEqualTo(Duration.ofMillis(20));
			assertThat(failure.at()).isEqualTo(NOW);
		});
		assertThat(this.statusSeenByCallback).singleElement().satisfies((worker) -> {
			assertThat(worker.state()).isEqualTo(WorkerState.RESTARTING);
			assertThat(worker.failure()).contains("OutOfMemoryError: injected");
		});
		EngineStatus.Worker now = this.workers.status().get(0);
		assertThat(now.restarts()).isOne();
		assertThat(now.failure()).contains("injected");
		assertThat(now.failedAt()).isEqualTo(NOW);
		assertThat(this.workers.restarts()).isOne();
		assertThat(this.workers.anyDead()).isFalse();
		loop.release.countDown();
	}

	@Test
	void loopThatReturnsWithoutBeingStoppedShouldBeReportedAsDead() {
		AtomicInteger runs = new AtomicInteger();
		this.workers.start(new LoopWorker("publisher", runs::incrementAndGet, () -> {
		}, () -> {
		}));

		await().atMost(TIMEOUT).until(() -> this.failures.size() >= 1);
		assertThat(this.failures.get(0).error()).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("publisher loop returned although it was not stopped");
	}

	@Test
	void backoffShouldDoubleWithEveryDeathUpToTheMaximum() {
		Loop loop = new Loop(4);
		this.workers.start(loop.worker("apply"));

		await().atMost(TIMEOUT).until(() -> loop.runs.get() == 5);
		assertThat(this.failures).extracting(WorkerFailure::restartIn)
			.containsExactly(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(80),
					Duration.ofMillis(100));
		loop.release.countDown();
	}

	@Test
	void stoppedWorkerShouldNeitherBeReportedNorRestarted() throws Exception {
		Loop loop = new Loop(0);
		AutoCloseable handle = this.workers.start(loop.worker("apply"));
		await().atMost(TIMEOUT).until(() -> loop.runs.get() == 1);

		handle.close();

		assertThat(this.workers.status().get(0).state()).isEqualTo(WorkerState.STOPPED);
		assertThat(loop.thread.isAlive()).isFalse();
		assertThat(this.failures).isEmpty();
	}

	@Test
	void afterRestartActionShouldRunOnceTheLoopRunsAgain() {
		Loop loop = new Loop(1);
		AtomicInteger resyncs = new AtomicInteger();
		this.workers.start(new LoopWorker("apply", loop::run, loop.release::countDown, resyncs::incrementAndGet));

		await().atMost(TIMEOUT).until(() -> resyncs.get() == 1);
		assertThat(loop.runs).hasValue(2);
		loop.release.countDown();
	}

	@Test
	void notifierWhoseListenerThrowsAnErrorShouldBeReplacedByANewOne() throws Exception {
		Path database = this.dir.resolve("notified.db");
		new TestDatabase(database).execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
		AtomicInteger calls = new AtomicInteger();
		NotifierWorker notifier = new NotifierWorker(database, Duration.ofMillis(20), () -> {
			if (calls.incrementAndGet() == 1) {
				throw new StackOverflowError("injected");
			}
		});
		AutoCloseable handle = this.workers.start(notifier);

		// A new notifier calls its listener once right away: the call after the death proves the restart.
		await().atMost(TIMEOUT).until(() -> calls.get() >= 2);
		await().atMost(TIMEOUT).until(() -> this.workers.status().get(0).restarts() == 1);
		assertThat(this.failures).singleElement()
			.satisfies((failure) -> assertThat(failure.worker()).isEqualTo("change-notifier"));
		handle.close();
		assertThat(this.workers.status().get(0).state()).isEqualTo(WorkerState.STOPPED);
	}

	@Test
	void periodicTaskThrowingAnErrorShouldBeReportedAndRecoverOnItsNextRun() {
		AtomicInteger runs = new AtomicInteger();
		Runnable task = this.workers.periodic("maintenance", "cleanup", Duration.ofMillis(10), () -> {
			if (runs.incrementAndGet() == 1) {
				throw new AssertionError("injected");
			}
		});

		task.run();
		assertThat(this.workers.anyDead()).isTrue();
		assertThat(this.failures).singleElement().satisfies((failure) -> {
			assertThat(failure.worker()).isEqualTo("maintenance");
			assertThat(failure.restartIn()).isEqualTo(Duration.ofMillis(10));
		});

		task.run();
		assertThat(this.workers.anyDead()).isFalse();
		assertThat(this.workers.status()).singleElement().satisfies((worker) -> {
			assertThat(worker.state()).isEqualTo(WorkerState.RUNNING);
			assertThat(worker.restarts()).isOne();
		});
	}

	@Test
	void periodicTaskThrowingAnExceptionShouldOnlyBeRetried() {
		Runnable task = this.workers.periodic("maintenance", "cleanup", Duration.ofMillis(10), () -> {
			throw new IllegalStateException("database locked");
		});

		task.run();

		assertThat(this.workers.anyDead()).isFalse();
		assertThat(this.failures).isEmpty();
	}

	@Test
	void periodicTaskFailingOnEveryRunForAMinuteShouldBeAProblemUntilARunSucceeds() {
		MovableClock clock = new MovableClock(NOW);
		Workers watched = new Workers(4, clock, this.scheduler, (failure) -> {
		}, Workers.Backoff.DEFAULT);
		AtomicReference<String> failing = new AtomicReference<>("database disk image is malformed");
		Runnable task = watched.periodic("maintenance", "schema check", Duration.ofSeconds(1), () -> {
			if (failing.get() != null) {
				throw new IllegalStateException(failing.get());
			}
		});

		task.run();
		clock.move(Workers.FAILING_FOR.minusSeconds(1));
		task.run();
		assertThat(watched.problems()).as("failing for less than a minute").isEmpty();

		clock.move(Duration.ofSeconds(1));
		task.run();
		assertThat(watched.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.MAINTENANCE_FAILING);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DEGRADED);
			assertThat(problem.subject()).isEqualTo("task schema check");
			assertThat(problem.reason()).contains("60 s").contains("database disk image is malformed");
			assertThat(problem.since()).isEqualTo(NOW);
		});
		assertThat(watched.anyDead()).isFalse();
		assertThat(this.logs.messages(Level.WARN)).as("one WARN for the same failure on every run").singleElement()
			.asString()
			.endsWith("failed, will retry: database disk image is malformed");

		failing.set("database is locked");
		task.run();
		assertThat(this.logs.messages(Level.WARN)).as("and one for a new failure").hasSize(2)
			.last()
			.asString()
			.endsWith("failed, will retry: database is locked");

		failing.set(null);
		task.run();
		assertThat(watched.problems()).isEmpty();
		assertThat(this.logs.messages(Level.INFO)).singleElement()
			.asString()
			.contains("(schema check) succeeds again after failing for 60 s");
	}

	@Test
	void failingCallbackShouldNotKeepTheWorkerFromRestarting() {
		Workers throwingCallback = new Workers(4, Clock.systemUTC(), this.scheduler, (failure) -> {
			throw new IllegalStateException("callback broken");
		}, new Workers.Backoff(Duration.ofMillis(20), Duration.ofMillis(100)));
		Loop loop = new Loop(1);
		throwingCallback.start(loop.worker("apply"));

		await().atMost(TIMEOUT).until(() -> loop.runs.get() == 2);
		loop.release.countDown();
	}

	/**
	 * A loop that dies with an Error on its first {@code deaths} runs, then runs until released.
	 */
	private static final class Loop {

		private final int deaths;

		private final AtomicInteger runs = new AtomicInteger();

		private final CountDownLatch release = new CountDownLatch(1);

		private volatile Thread thread;

		Loop(int deaths) {
			this.deaths = deaths;
		}

		void run() {
			this.thread = Thread.currentThread();
			if (this.runs.incrementAndGet() <= this.deaths) {
				throw new OutOfMemoryError("injected");
			}
			try {
				this.release.await(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		Worker worker(String name) {
			return new LoopWorker(name, this::run, this.release::countDown, () -> {
			});
		}

	}

}
