package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the workers of a running node: a worker whose thread dies (an {@link Error}, or a loop that returns
 * although nobody stopped it) is logged, shown in the status, reported to the {@link WorkerFailureCallback}, and
 * restarted after a backoff that doubles with every death, up to a maximum.
 */
final class Workers implements ProblemSource, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Workers.class);

	/** How long a periodic task may fail on every run before it is a problem. */
	static final Duration FAILING_FOR = Duration.ofMinutes(1);

	private final long nodeId;

	private final Clock clock;

	private final ScheduledExecutorService scheduler;

	private final WorkerFailureCallback callback;

	private final Backoff backoff;

	private final List<Tracked> tracked = new CopyOnWriteArrayList<>();

	private final List<PeriodicTask> tasks = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	/**
	 * Creates the watch.
	 * @param nodeId the node, for the logs and the callback
	 * @param clock tells when a worker died
	 * @param scheduler runs the restarts after their backoff
	 * @param callback told about every death
	 * @param backoff how long to wait before a restart
	 */
	Workers(long nodeId, Clock clock, ScheduledExecutorService scheduler, WorkerFailureCallback callback,
			Backoff backoff) {
		this.nodeId = nodeId;
		this.clock = clock;
		this.scheduler = scheduler;
		this.callback = callback;
		this.backoff = backoff;
	}

	/**
	 * Starts a worker and watches it until the returned handle is closed.
	 * @param worker the worker
	 * @return stops the worker, which is then never restarted
	 */
	AutoCloseable start(Worker worker) {
		Tracked entry = new Tracked(worker.name());
		this.tracked.add(entry);
		worker.start(threadsOf(entry, worker));
		return () -> {
			entry.stopped();
			worker.stop();
		};
	}

	/**
	 * Watches a periodic maintenance task, which has no thread of its own: an {@link Error} it throws is reported like
	 * a worker's death, and the task's next run is its restart. Other exceptions are logged and retried on the next
	 * run; a task that has failed on every run for {@link #FAILING_FOR} is a problem until a run succeeds.
	 * @param name the worker's name
	 * @param what what the task does, for the problem, e.g. {@code schema check}
	 * @param interval the time between runs
	 * @param task the task
	 * @return the watched task, to schedule
	 */
	Runnable periodic(String name, String what, Duration interval, Runnable task) {
		PeriodicTask failures = new PeriodicTask(what);
		this.tasks.add(failures);
		Tracked entry = this.tracked.stream()
			.filter((candidate) -> candidate.name.equals(name))
			.findFirst()
			.orElseGet(() -> {
				Tracked created = new Tracked(name);
				this.tracked.add(created);
				return created;
			});
		return () -> {
			try {
				task.run();
				Instant failingSince = failures.succeeded();
				if (failingSince != null) {
					logger.info("Node {}: {} task ({}) succeeds again after failing for {} s", this.nodeId, name, what,
							Duration.between(failingSince, this.clock.instant()).toSeconds());
				}
				if (entry.state == EngineStatus.WorkerState.RESTARTING) {
					entry.restarted();
					logger.info("Node {}: worker {} runs again", this.nodeId, name);
				}
			}
			catch (RuntimeException ex) {
				if (failures.failed(String.valueOf(ex.getMessage()), this.clock.instant())) {
					logger.warn("Node {}: {} task ({}) failed, will retry: {}", this.nodeId, name, what,
							ex.getMessage());
				}
				else {
					logger.debug("Node {}: {} task ({}) failed again: {}", this.nodeId, name, what, ex.getMessage());
				}
			}
			catch (Error error) {
				died(entry, error, interval);
			}
		};
	}

	/**
	 * The workers in the order they were started.
	 * @return their states
	 */
	List<EngineStatus.Worker> status() {
		return this.tracked.stream().map(Tracked::status).toList();
	}

	/**
	 * Whether a worker is dead and waits for its restart.
	 * @return {@code true} when one is
	 */
	boolean anyDead() {
		return this.tracked.stream().anyMatch((entry) -> entry.state == EngineStatus.WorkerState.RESTARTING);
	}

	/**
	 * The dead workers, each a {@code DOWN} problem until it runs again.
	 * @return one problem per dead worker
	 */
	@Override
	public List<EngineStatus.Problem> problems() {
		List<EngineStatus.Problem> problems = new ArrayList<>();
		this.tracked.stream()
			.filter((entry) -> entry.state == EngineStatus.WorkerState.RESTARTING)
			.map((entry) -> new EngineStatus.Problem(EngineStatus.ProblemKind.WORKER_DEAD, EngineStatus.Severity.DOWN,
					"worker " + entry.name, "died (" + entry.failure + ") and is restarted after a backoff; "
							+ "if it keeps dying, fix the cause its ERROR names and restart the node",
					entry.failedAt))
			.forEach(problems::add);
		Instant now = this.clock.instant();
		for (PeriodicTask task : this.tasks) {
			Instant since = task.failingSince;
			if (since != null && Duration.between(since, now).compareTo(FAILING_FOR) >= 0) {
				problems.add(new EngineStatus.Problem(EngineStatus.ProblemKind.MAINTENANCE_FAILING,
						EngineStatus.Severity.DEGRADED, "task " + task.what, "has failed on every run for "
								+ Duration.between(since, now).toSeconds() + " s, the last time with: " + task.lastFailure
								+ "; it is retried on its interval (a WARN logs its first failure and each different one)",
						since));
			}
		}
		return problems;
	}

	/**
	 * How many times dead workers were restarted.
	 * @return the count
	 */
	long restarts() {
		return this.tracked.stream().mapToLong((entry) -> entry.restarts).sum();
	}

	/**
	 * Restarts nothing any more; the workers themselves are stopped through the handles {@link #start} returned.
	 */
	@Override
	public void close() {
		this.closed = true;
	}

	private ThreadFactory threadsOf(Tracked entry, Worker worker) {
		return (task) -> {
			Thread thread = new Thread(() -> {
				try {
					task.run();
				}
				catch (Throwable failure) {
					// Loops handle their exceptions; what gets here ended the worker and is reported instead of lost.
					if (entry.state == EngineStatus.WorkerState.RUNNING && !this.closed) {
						scheduleRestart(entry, worker, died(entry, failure, null));
					}
				}
			}, "harmonylite-" + worker.name());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Records and reports a death.
	 * @param restartIn when the worker runs again, or {@code null} for the backoff after this death
	 * @return the delay until the restart
	 */
	private Duration died(Tracked entry, Throwable failure, @Nullable Duration restartIn) {
		Instant now = this.clock.instant();
		entry.died(failure, now);
		Duration delay = (restartIn != null) ? restartIn : this.backoff.after(entry.deaths);
		logger.error("Node {}: worker {} died ({}); restarting it in {} ms", this.nodeId, entry.name, failure,
				delay.toMillis(), failure);
		try {
			this.callback.handle(new WorkerFailure(this.nodeId, entry.name, "Worker " + entry.name + " of node "
					+ this.nodeId + " died: " + failure + "; restarting it in " + delay.toMillis() + " ms", failure,
					delay, now));
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: the worker failure callback failed: {}", this.nodeId, ex.getMessage(), ex);
		}
		return delay;
	}

	private void scheduleRestart(Tracked entry, Worker worker, Duration delay) {
		try {
			this.scheduler.schedule(() -> restart(entry, worker), delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The node is closing.
		}
	}

	private void restart(Tracked entry, Worker worker) {
		// Under the entry's lock, so that a worker stopped meanwhile is not started again.
		synchronized (entry) {
			if (this.closed || entry.state != EngineStatus.WorkerState.RESTARTING) {
				return;
			}
			// Running before its threads start: a thread that dies at once must be seen as a death.
			entry.restarted();
			try {
				worker.restart(threadsOf(entry, worker));
				logger.info("Node {}: worker {} restarted (restart {})", this.nodeId, entry.name, entry.restarts);
			}
			catch (RuntimeException ex) {
				Duration delay = this.backoff.after(entry.failedRestart());
				logger.warn("Node {}: could not restart worker {}, retrying in {} ms: {}", this.nodeId, entry.name,
						delay.toMillis(), ex.getMessage());
				scheduleRestart(entry, worker, delay);
			}
		}
	}

	/**
	 * The failures of one periodic task in a row; written by the scheduler thread, read by the status.
	 */
	private static final class PeriodicTask {

		private final String what;

		private volatile @Nullable Instant failingSince;

		private volatile @Nullable String lastFailure;

		PeriodicTask(String what) {
			this.what = what;
		}

		/**
		 * Records a failed run.
		 * @return {@code true} when it is worth a WARN: the first failure since the task last succeeded, or another
		 * failure than the last one
		 */
		boolean failed(String failure, Instant at) {
			boolean news = this.failingSince == null || !failure.equals(this.lastFailure);
			this.lastFailure = failure;
			if (this.failingSince == null) {
				this.failingSince = at;
			}
			return news;
		}

		/**
		 * Records a run that succeeded.
		 * @return since when the task had failed, {@code null} when its last run succeeded too
		 */
		@Nullable Instant succeeded() {
			Instant since = this.failingSince;
			this.failingSince = null;
			return since;
		}

	}

	/**
	 * How long to wait before a restart: the first delay, doubled with every death, up to the maximum.
	 *
	 * @param first the delay before the first restart
	 * @param max the longest delay
	 */
	record Backoff(Duration first, Duration max) {

		/** One second, doubling up to a minute. */
		static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

		Duration after(int deaths) {
			Duration delay = this.first.multipliedBy(1L << Math.min(Math.max(deaths - 1, 0), 20));
			return (delay.compareTo(this.max) > 0) ? this.max : delay;
		}

	}

	/**
	 * What is known about one worker; written by its own thread and the scheduler, read by the status.
	 */
	private static final class Tracked {

		private final String name;

		private volatile EngineStatus.WorkerState state = EngineStatus.WorkerState.RUNNING;

		private volatile int deaths;

		private volatile long restarts;

		private volatile @Nullable String failure;

		private volatile @Nullable Instant failedAt;

		Tracked(String name) {
			this.name = name;
		}

		synchronized void died(Throwable error, Instant at) {
			this.state = EngineStatus.WorkerState.RESTARTING;
			this.deaths++;
			this.failure = String.valueOf(error);
			this.failedAt = at;
		}

		synchronized int failedRestart() {
			this.state = EngineStatus.WorkerState.RESTARTING;
			this.restarts--;
			return ++this.deaths;
		}

		synchronized void stopped() {
			this.state = EngineStatus.WorkerState.STOPPED;
		}

		synchronized void restarted() {
			this.state = EngineStatus.WorkerState.RUNNING;
			this.restarts++;
		}

		EngineStatus.Worker status() {
			return new EngineStatus.Worker(this.name, this.state, this.restarts, this.failure, this.failedAt);
		}

	}

}
