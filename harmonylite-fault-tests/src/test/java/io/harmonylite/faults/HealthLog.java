package io.harmonylite.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls one node's health in the background and keeps what it answered, so that a test can assert what the node
 * said while a fault lasted, not only afterwards.
 */
final class HealthLog implements AutoCloseable {

	private final NodeProcess node;

	private final List<Answer> seen = new CopyOnWriteArrayList<>();

	private final long started = System.nanoTime();

	private final ScheduledExecutorService poller;

	/**
	 * Starts polling every 250 ms.
	 * @param node the node
	 */
	HealthLog(NodeProcess node) {
		this.node = node;
		this.poller = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "health-log-" + node.id());
			thread.setDaemon(true);
			return thread;
		});
		this.poller.scheduleWithFixedDelay(this::poll, 0, 250, TimeUnit.MILLISECONDS);
	}

	private void poll() {
		long asked = System.nanoTime();
		NodeProcess.Health health = this.node.health();
		long answered = System.nanoTime();
		this.seen.add(new Answer(health, TimeUnit.NANOSECONDS.toMillis(asked - this.started),
				TimeUnit.NANOSECONDS.toMillis(answered - asked)));
	}

	/**
	 * The HarmonyLite component statuses seen, oldest first, with repeats collapsed (e.g. UP, DOWN, UP).
	 * @return the statuses
	 */
	List<String> statuses() {
		return changes().stream().map((answer) -> answer.health().toString()).toList();
	}

	/**
	 * Every answer with when it was asked and how long it took, for failure messages: a node that answered slowly
	 * (the poll gives up after 2 s and records {@code UNREACHABLE}) is told apart from one that said the wrong thing.
	 * @return one line per change of status, e.g. {@code +12.3 s DOWN/DEGRADED (answered in 40 ms)}
	 */
	String timeline() {
		StringBuilder timeline = new StringBuilder();
		for (Answer answer : changes()) {
			timeline.append(String.format("%n+%.1f s %s (answered in %d ms)", answer.askedAtMillis() / 1000.0,
					answer.health(), answer.tookMillis()));
		}
		return timeline.toString();
	}

	/** The answers that said something other than the one before. */
	private List<Answer> changes() {
		List<Answer> changes = new ArrayList<>();
		for (Answer answer : this.seen) {
			if (changes.isEmpty()
					|| !changes.get(changes.size() - 1).health().toString().equals(answer.health().toString())) {
				changes.add(answer);
			}
		}
		return changes;
	}

	@Override
	public void close() {
		this.poller.shutdownNow();
		try {
			this.poller.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record Answer(NodeProcess.Health health, long askedAtMillis, long tookMillis) {
	}

}
