package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.harmonylite.apply.ApplyLoop;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema-migration protocol behind {@link HarmonyLiteEngine#beforeMigration()} and
 * {@link HarmonyLiteEngine#afterMigration()}: before, send what is pending, hold the apply loop and remove the capture
 * triggers (SQLite refuses some DDL on a column a trigger names); during, keep the schema check from putting them back
 * and apply nothing from the cluster (a migration tool that rebuilds a table in several transactions would lose a
 * change applied in between, and one that reads and then writes in a transaction would fail with SQLITE_BUSY); after,
 * regenerate capture and the hash, redeliver paused shards and let the apply loop go on. Time is read from the injected {@link Clock}; waits
 * end early when the database changes.
 */
final class MigrationProtocol {

	private static final Logger logger = LoggerFactory.getLogger(MigrationProtocol.class);

	/** How long {@link #before} waits for pending changes to be sent. */
	static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

	/** How long a migration may keep the schema check from reinstalling the triggers it removed. */
	static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(10);

	/** The longest wait between two looks at the change log while flushing, should no change wake it earlier. */
	private static final Duration RECHECK = Duration.ofMillis(50);

	private final long nodeId;

	private final Clock clock;

	// When before() removed the triggers of a running node; null outside a migration.
	private volatile @Nullable Instant startedAt;

	// The apply loop's pause held from before() to after(); null outside a migration.
	private volatile ApplyLoop.@Nullable Pause applyHeld;

	MigrationProtocol(long nodeId, Clock clock) {
		this.nodeId = nodeId;
		this.clock = clock;
	}

	/**
	 * Prepares for a migration.
	 * @param node the running node, or {@code null} when none runs
	 * @param offline removes the triggers when no node runs
	 */
	void before(@Nullable Target node, Runnable offline) {
		if (node == null) {
			offline.run();
			return;
		}
		flush(node);
		releaseApply();
		this.applyHeld = node.holdApply();
		this.startedAt = this.clock.instant();
		node.removeTriggers();
		logger.info("Node {}: capture triggers removed and replicated changes held for a schema migration",
				this.nodeId);
	}

	/**
	 * Finishes a migration.
	 * @param node the running node, or {@code null} when none runs (it does all this when it starts)
	 */
	void after(@Nullable Target node) {
		this.startedAt = null;
		try {
			if (node != null) {
				node.recomputeSchema();
			}
		}
		finally {
			releaseApply();
		}
	}

	/**
	 * Whether a migration holds capture off: between {@link #before} and {@link #after}, for at most
	 * {@link #MIGRATION_TIMEOUT}.
	 * @return {@code true} while the schema check must leave the triggers alone
	 */
	boolean inProgress() {
		Instant started = this.startedAt;
		if (started == null) {
			return false;
		}
		if (this.clock.instant().isBefore(started.plus(MIGRATION_TIMEOUT))) {
			return true;
		}
		logger.warn("Node {}: a schema migration started {} min ago has not finished (afterMigration() was not "
				+ "called); regenerating capture and applying changes from the cluster again", this.nodeId, MIGRATION_TIMEOUT.toMinutes());
		this.startedAt = null;
		releaseApply();
		return false;
	}

	private void releaseApply() {
		ApplyLoop.Pause held = this.applyHeld;
		this.applyHeld = null;
		if (held != null) {
			held.close();
		}
	}

	/**
	 * Sends what is pending, for at most {@link #FLUSH_TIMEOUT}; also before capture is uninstalled.
	 * @param node the running node
	 */
	void flush(Target node) {
		if (!node.publishes()) {
			return;
		}
		Instant deadline = this.clock.instant().plus(FLUSH_TIMEOUT);
		try {
			while (node.pendingChanges() > 0) {
				if (!this.clock.instant().isBefore(deadline)) {
					logger.warn("Node {}: {} change(s) still pending after {} s; migrating anyway, they are sent "
							+ "afterwards, fitted to the new columns. A migration that both drops columns of a table "
							+ "and adds others cannot be told from a rename: the pending changes of such a table are "
							+ "then refused by the other nodes as dead letters (\"Renaming\" in "
							+ "docs/rolling-upgrades.md)", this.nodeId, node.pendingChanges(), FLUSH_TIMEOUT.toSeconds());
					return;
				}
				node.wakePublisher();
				node.awaitDatabaseChange(RECHECK);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A running node as the protocol sees it.
	 */
	interface Target {

		/**
		 * Whether the node sends its changes.
		 * @return {@code false} when {@code publish=false}
		 */
		boolean publishes();

		/**
		 * Captured changes not yet acknowledged.
		 * @return the count
		 */
		long pendingChanges();

		/**
		 * Wakes the publisher.
		 */
		void wakePublisher();

		/**
		 * Waits until the database changes (e.g. the publisher marked rows published), at most the timeout.
		 * @param timeout the longest wait
		 * @throws InterruptedException if interrupted while waiting
		 */
		void awaitDatabaseChange(Duration timeout) throws InterruptedException;

		/**
		 * Stops applying changes from the cluster once the batch in progress has committed, until the pause is closed.
		 * @return the pause
		 */
		ApplyLoop.Pause holdApply();

		/**
		 * Removes the capture triggers.
		 */
		void removeTriggers();

		/**
		 * Regenerates capture, recomputes and publishes the hash, and redelivers paused shards now.
		 */
		void recomputeSchema();

	}

}
