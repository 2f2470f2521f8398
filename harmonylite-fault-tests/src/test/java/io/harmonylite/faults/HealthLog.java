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

	private final List<NodeProcess.Health> seen = new CopyOnWriteArrayList<>();

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
		this.poller.scheduleWithFixedDelay(() -> this.seen.add(this.node.health()), 0, 250, TimeUnit.MILLISECONDS);
	}

	/**
	 * The answers so far, oldest first.
	 * @return the health answers
	 */
	List<NodeProcess.Health> seen() {
		return List.copyOf(this.seen);
	}

	/**
	 * The HarmonyLite component statuses seen, oldest first, with repeats collapsed (e.g. UP, DOWN, UP).
	 * @return the statuses
	 */
	List<String> statuses() {
		List<String> collapsed = new ArrayList<>();
		for (NodeProcess.Health health : this.seen) {
			String status = health.harmonylite() + "/" + health.state();
			if (collapsed.isEmpty() || !collapsed.get(collapsed.size() - 1).equals(status)) {
				collapsed.add(status);
			}
		}
		return collapsed;
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

}
