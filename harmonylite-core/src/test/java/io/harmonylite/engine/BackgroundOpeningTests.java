package io.harmonylite.engine;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.HarmonyLiteException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BackgroundOpening}: what the opening threw surfaces where the part is needed, and a part still
 * being opened when the start is abandoned is closed once it is open.
 */
class BackgroundOpeningTests {

	private final AtomicInteger closed = new AtomicInteger();

	private final AutoCloseable part = this.closed::incrementAndGet;

	@Test
	void joinShouldReturnThePartOpenedOnAnotherThread() {
		Thread[] opener = new Thread[1];
		BackgroundOpening<AutoCloseable> opening = BackgroundOpening.start("test-open", () -> {
			opener[0] = Thread.currentThread();
			return this.part;
		});

		assertThat(opening.join()).isSameAs(this.part);
		assertThat(opener[0]).isNotSameAs(Thread.currentThread());
		opening.close();
		assertThat(this.closed).hasValue(1);
	}

	@Test
	void joinShouldThrowWhatTheOpeningThrew() {
		BackgroundOpening<AutoCloseable> opening = BackgroundOpening.start("test-open", () -> {
			throw new HarmonyLiteException("no server answered");
		});

		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(opening::join)
			.withMessage("no server answered");
		opening.close();
		assertThat(this.closed).hasValue(0);
	}

	@Test
	void closingWhileStillOpeningShouldNotWaitAndShouldCloseThePartOnceOpen() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		BackgroundOpening<AutoCloseable> opening = BackgroundOpening.start("test-open", () -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return this.part;
		});

		opening.close();
		assertThat(this.closed).hasValue(0);
		release.countDown();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.closed.get() == 1);
	}

}
