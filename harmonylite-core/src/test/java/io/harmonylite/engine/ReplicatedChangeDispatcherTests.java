package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.apply.ReplicatedChange;
import io.harmonylite.apply.ReplicatedChangeListener;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ReplicatedChangeDispatcher}: what reaches the listeners, in which order, on which thread, and what a
 * full queue drops.
 */
class ReplicatedChangeDispatcherTests {

	private static final long THIS_NODE = 1;

	private final List<ReplicatedChange> received = new CopyOnWriteArrayList<>();

	private final List<String> threads = new CopyOnWriteArrayList<>();

	private final AtomicInteger dropped = new AtomicInteger();

	private Thread running;

	@AfterEach
	void stopDelivery() throws InterruptedException {
		if (this.running != null) {
			this.running.interrupt();
			this.running.join();
		}
	}

	@Test
	void changesOfOtherNodesShouldReachTheListenerInOrderOnItsOwnThread() {
		ReplicatedChangeDispatcher dispatcher = dispatcher(10, this::record);
		start(dispatcher);

		dispatcher.applied(event(2, 1, Operation.INSERT), Duration.ZERO);
		dispatcher.applied(event(THIS_NODE, 2, Operation.INSERT), Duration.ZERO);
		dispatcher.applied(event(3, 3, Operation.DELETE), Duration.ZERO);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
		assertThat(this.received).containsExactly(
				new ReplicatedChange("notes", Operation.INSERT, Map.of("id", "n1"), 2, Instant.ofEpochMilli(1000)),
				new ReplicatedChange("notes", Operation.DELETE, Map.of("id", "n3"), 3, Instant.ofEpochMilli(3000)));
		assertThat(this.threads).containsOnly("dispatch-test").isNotEmpty();
	}

	@Test
	void fullQueueShouldDropTheOldestChangesAndCountThemWithoutBlocking() {
		ReplicatedChangeDispatcher dispatcher = dispatcher(2, this::record);

		for (int id = 1; id <= 1000; id++) {
			dispatcher.applied(event(2, id, Operation.UPDATE), Duration.ZERO);
		}

		assertThat(this.dropped).hasValue(998);
		assertThat(dispatcher.waiting()).isEqualTo(2);
		start(dispatcher);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
		assertThat(this.received).extracting((change) -> change.key().get("id")).containsExactly("n999", "n1000");
	}

	@Test
	void failingListenerShouldBeLoggedAndTheNextListenerAndChangesStillServed() {
		ReplicatedChangeListener failing = (change) -> {
			throw new IllegalStateException("listener bug");
		};
		ReplicatedChangeDispatcher dispatcher = new ReplicatedChangeDispatcher(THIS_NODE,
				List.of(failing, this::record), 10, this.dropped::incrementAndGet);
		start(dispatcher);

		dispatcher.applied(event(2, 1, Operation.INSERT), Duration.ZERO);
		dispatcher.applied(event(2, 2, Operation.INSERT), Duration.ZERO);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
		assertThat(this.dropped).hasValue(0);
	}

	@Test
	void stoppedDeliveryShouldHandOutWhatIsQueuedBeforeItReturns() {
		ReplicatedChangeDispatcher dispatcher = dispatcher(10, this::record);
		dispatcher.applied(event(2, 1, Operation.INSERT), Duration.ZERO);
		dispatcher.applied(event(2, 2, Operation.INSERT), Duration.ZERO);
		ReplicatedChangeDispatcher.Delivery delivery = dispatcher.delivery();

		delivery.stop();
		delivery.run();

		assertThat(this.received).hasSize(2);
		assertThat(dispatcher.waiting()).isZero();
	}

	@Test
	void keyShouldHoldThePrimaryKeyColumnsInKeyOrderAndNothingElse() {
		ChangeEvent event = new ChangeEvent(2, 9, "shelf", Operation.UPDATE,
				Map.of("room", "hall", "slot", 3L, "label", "secret"), List.of("slot", "room"), 5000, "");

		ReplicatedChange change = ReplicatedChange.of(event);

		assertThat(change.key()).containsExactly(Map.entry("slot", 3L), Map.entry("room", "hall"));
		assertThat(change).hasToString("ReplicatedChange[table=shelf, UPDATE, node=2]");
	}

	private ReplicatedChangeDispatcher dispatcher(int capacity, ReplicatedChangeListener listener) {
		return new ReplicatedChangeDispatcher(THIS_NODE, List.of(listener), capacity, this.dropped::incrementAndGet);
	}

	private void start(ReplicatedChangeDispatcher dispatcher) {
		this.running = new Thread(dispatcher.delivery(), "dispatch-test");
		this.running.start();
	}

	private void record(ReplicatedChange change) {
		this.threads.add(Thread.currentThread().getName());
		this.received.add(change);
	}

	private static ChangeEvent event(long origin, long id, Operation operation) {
		return new ChangeEvent(origin, id, "notes", operation, Map.of("id", "n" + id, "title", "t"), List.of("id"),
				id * 1000, "");
	}

}
