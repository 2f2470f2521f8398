package io.harmonylite.capture;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.capture.CaptureTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ChangeNotifierTests {

	private static final Duration NEVER = Duration.ofHours(1);

	@TempDir
	Path directory;

	private Path database;

	private Connection connection;

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicLong visibleRows = new AtomicLong();

	@BeforeEach
	void open() throws Exception {
		this.database = this.directory.resolve("app.db");
		this.connection = SqliteConnections.open(this.database);
		execute(this.connection, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
	}

	@AfterEach
	void close() throws Exception {
		this.connection.close();
	}

	@Test
	void startShouldCallTheListenerOnceToCatchUp() {
		try (ChangeNotifier notifier = new ChangeNotifier(this.database, NEVER, this.calls::incrementAndGet)) {
			notifier.start();
			await().during(Duration.ofMillis(200))
				.atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(this.calls).hasValue(1));
		}
	}

	@Test
	void writeFromAnotherConnectionShouldWakeTheListenerThroughTheFileWatch() throws Exception {
		// Polling is effectively off: only the watch of the -wal file can report the write.
		try (Connection listenerConnection = SqliteConnections.open(this.database);
				ChangeNotifier notifier = new ChangeNotifier(this.database, NEVER, countRows(listenerConnection))) {
			notifier.start();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.calls).hasValue(1));
			execute(this.connection, "INSERT INTO t VALUES (1)");
			await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(this.visibleRows).hasValue(1));
		}
	}

	@Test
	void writeFromAnotherConnectionShouldWakeTheListenerThroughPolling() throws Exception {
		try (Connection listenerConnection = SqliteConnections.open(this.database);
				ChangeNotifier notifier = new ChangeNotifier(this.database, Duration.ofMillis(20),
						countRows(listenerConnection))) {
			notifier.start();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.calls).hasValue(1));
			execute(this.connection, "INSERT INTO t VALUES (1)");
			await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(this.visibleRows).hasValue(1));
		}
	}

	@Test
	void everyWriteOfABurstShouldBeSeenByTheListener() throws Exception {
		try (Connection listenerConnection = SqliteConnections.open(this.database);
				ChangeNotifier notifier = new ChangeNotifier(this.database, NEVER, countRows(listenerConnection))) {
			notifier.start();
			for (int i = 1; i <= 200; i++) {
				execute(this.connection, "INSERT INTO t VALUES (" + i + ")");
			}
			await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(this.visibleRows).hasValue(200));
		}
	}

	private Runnable countRows(Connection listenerConnection) {
		return () -> {
			try {
				this.visibleRows.set(CaptureTestSupport.count(listenerConnection, "SELECT count(*) FROM t"));
				this.calls.incrementAndGet();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		};
	}

	@Test
	void signalShouldWakeTheListenerPromptly() {
		try (ChangeNotifier notifier = new ChangeNotifier(this.database, NEVER, this.calls::incrementAndGet)) {
			notifier.start();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.calls).hasValue(1));
			notifier.signal();
			await().atMost(Duration.ofMillis(500)).untilAsserted(() -> assertThat(this.calls).hasValue(2));
		}
	}

	@Test
	void signalsDuringACallShouldBeCoalescedIntoOneCallAndNeverRunConcurrently() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch firstCallRunning = new CountDownLatch(1);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger maxRunning = new AtomicInteger();
		Runnable listener = () -> {
			maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
			try {
				if (this.calls.incrementAndGet() == 1) {
					firstCallRunning.countDown();
					release.await(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				running.decrementAndGet();
			}
		};
		try (ChangeNotifier notifier = new ChangeNotifier(this.database, NEVER, listener)) {
			notifier.start();
			assertThat(firstCallRunning.await(5, TimeUnit.SECONDS)).isTrue();
			Thread[] signallers = new Thread[4];
			for (int i = 0; i < signallers.length; i++) {
				signallers[i] = new Thread(() -> {
					for (int j = 0; j < 100; j++) {
						notifier.signal();
					}
				});
				signallers[i].start();
			}
			for (Thread signaller : signallers) {
				signaller.join();
			}
			release.countDown();
			await().during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(this.calls).hasValue(2));
		}
		assertThat(maxRunning).hasValue(1);
	}

	@Test
	void failingListenerShouldBeCalledAgain() {
		AtomicInteger attempts = new AtomicInteger();
		Runnable listener = () -> {
			if (attempts.incrementAndGet() < 3) {
				throw new IllegalStateException("publisher not ready");
			}
		};
		try (ChangeNotifier notifier = new ChangeNotifier(this.database, Duration.ofMillis(10), listener)) {
			notifier.start();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(attempts).hasValueGreaterThanOrEqualTo(3));
		}
	}

	@Test
	void closeShouldStopTheThreadsAndTheListener() {
		ChangeNotifier notifier = new ChangeNotifier(this.database, Duration.ofMillis(10), this.calls::incrementAndGet);
		notifier.start();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(notifierThreads()).isPositive());
		notifier.close();
		int callsAtClose = this.calls.get();
		notifier.signal();
		// No notifier thread is left to call the listener: the count is final.
		assertThat(notifierThreads()).isZero();
		assertThat(this.calls).hasValue(callsAtClose);
	}

	private static long notifierThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(ChangeNotifier.THREAD_NAME) && thread.isAlive())
			.count();
	}

}
