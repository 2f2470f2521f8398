package io.harmonylite.apply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ApplyQueue}: bounded by messages and by payload bytes, so that a catch-up holds a bounded part of
 * the stream in memory, and never stuck on a message larger than the byte bound.
 */
class ApplyQueueTests {

	private static final Duration NO_WAIT = Duration.ZERO;

	@Test
	void senderShouldWaitWhileTheQueuedBytesWouldExceedTheBound() throws Exception {
		ApplyQueue queue = new ApplyQueue(100, 1000);
		queue.receive(message(0, 1, 600));

		Thread second = receiveLater(queue, message(0, 2, 600));

		assertThat(queue.size()).isEqualTo(1);
		assertThat(queue.bytes()).isEqualTo(600);
		assertThat(take(queue, 10)).containsExactly(1L);
		awaitDelivered(second);
		assertThat(take(queue, 10)).containsExactly(2L);
		assertThat(queue.bytes()).isZero();
	}

	@Test
	void senderShouldWaitWhileTheQueueHoldsTheMostMessages() throws Exception {
		ApplyQueue queue = new ApplyQueue(2, 1_000_000);
		queue.receive(message(0, 1, 10));
		queue.receive(message(0, 2, 10));

		Thread third = receiveLater(queue, message(0, 3, 10));

		assertThat(queue.size()).isEqualTo(2);
		assertThat(take(queue, 1)).containsExactly(1L);
		awaitDelivered(third);
		assertThat(take(queue, 10)).containsExactly(2L, 3L);
	}

	@Test
	void messageLargerThanTheByteBoundShouldPassWhenTheQueueIsEmpty() throws Exception {
		ApplyQueue queue = new ApplyQueue(100, 1000);

		// Fails rather than hangs when the queue would wait for room that an empty queue never makes.
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> queue.receive(message(0, 1, 5000)));

		assertThat(queue.bytes()).isEqualTo(5000);
		assertThat(take(queue, 10)).containsExactly(1L);
	}

	@Test
	void discardingAShardShouldFreeItsBytesForTheWaitingSender() throws Exception {
		ApplyQueue queue = new ApplyQueue(100, 1000);
		queue.receive(message(0, 1, 300));
		queue.receive(message(1, 1, 600));
		Thread waiting = receiveLater(queue, message(0, 2, 600));

		queue.discard(1);

		awaitDelivered(waiting);
		assertThat(queue.bytes()).isEqualTo(900);
		assertThat(take(queue, 10)).containsExactly(1L, 2L);
	}

	@Test
	void takingFromAnEmptyQueueShouldReturnNothingAfterTheWait() throws Exception {
		List<ReceivedMessage> batch = new ArrayList<>();

		new ApplyQueue(4).takeBatch(batch, 10, Duration.ofMillis(20));

		assertThat(batch).isEmpty();
	}

	/** Delivers a message on a thread of its own, and returns once that thread waits for room in the queue. */
	private static Thread receiveLater(ApplyQueue queue, ReceivedMessage message) {
		Thread sender = new Thread(() -> {
			try {
				queue.receive(message);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "test-sender");
		sender.setDaemon(true);
		sender.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> sender.getState() == Thread.State.WAITING);
		return sender;
	}

	private static void awaitDelivered(Thread sender) throws InterruptedException {
		sender.join(Duration.ofSeconds(10).toMillis());
		assertThat(sender.isAlive()).as("sender still waiting").isFalse();
	}

	private static List<Long> take(ApplyQueue queue, int max) throws InterruptedException {
		List<ReceivedMessage> batch = new ArrayList<>();
		queue.takeBatch(batch, max, NO_WAIT);
		return batch.stream().map((message) -> message.position().sequence()).toList();
	}

	private static ReceivedMessage message(int shard, long sequence, int bytes) {
		return new ReceivedMessage(shard, new StreamPosition("changes-" + shard, sequence), new byte[bytes]);
	}

}
