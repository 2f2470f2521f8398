package io.harmonylite.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.replicate.ChangePublisher;
import io.harmonylite.replicate.Signal;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.SchemaRegistry;
import org.jspecify.annotations.Nullable;

/**
 * A started node: its parts, all given at construction by {@link NodeAssembly} and never replaced, and the order in
 * which they are closed. It answers the engine's status, wake-up, cluster-view and migration calls.
 */
final class RunningNode implements MigrationProtocol.Target, AutoCloseable {

	/**
	 * How long a read of the cluster's schema view waits for an unavailable registry (a person or a probe waits): one
	 * retry after a request that timed out.
	 */
	static final Duration CLUSTER_SCHEMA_READ_DEADLINE = Duration.ofSeconds(5);

	private final HarmonyLiteConfig config;

	private final ChangeCapture capture;

	private final SchemaMonitor schema;

	private final CaptureState captureState;

	private final SchemaRegistry registry;

	private final @Nullable ShardSupervisor supervisor;

	private final @Nullable ApplyLoop loop;

	private final @Nullable DeadLetterOperations deadLetters;

	private final @Nullable ChangePublisher publisher;

	private final Signal databaseChanged;

	private final StatusReport status;

	private final @Nullable NodeSnapshots snapshots;

	private final Resources resources;

	/**
	 * Creates the node from its started parts.
	 * @param config the configuration
	 * @param capture installs and removes the capture triggers
	 * @param schema keeps the schema hash current
	 * @param captureState the change log, for pending changes
	 * @param registry the schema registry, for the cluster view
	 * @param supervisor the shard supervisor, {@code null} when the node does not replicate
	 * @param loop the apply loop, {@code null} when the node does not replicate
	 * @param deadLetters lists and re-applies dead letters through the apply loop's applier, {@code null} when the node
	 * does not replicate
	 * @param publisher the publisher, {@code null} when the node does not publish
	 * @param databaseChanged raised whenever the database may have changed
	 * @param status assembles the status
	 * @param snapshots the snapshot parts, {@code null} when snapshots are disabled
	 * @param resources every started part, closed in reverse start order
	 */
	RunningNode(HarmonyLiteConfig config, ChangeCapture capture, SchemaMonitor schema, CaptureState captureState,
			SchemaRegistry registry, @Nullable ShardSupervisor supervisor, @Nullable ApplyLoop loop,
			@Nullable DeadLetterOperations deadLetters, @Nullable ChangePublisher publisher,
			Signal databaseChanged, StatusReport status, @Nullable NodeSnapshots snapshots, Resources resources) {
		this.config = config;
		this.capture = capture;
		this.schema = schema;
		this.captureState = captureState;
		this.registry = registry;
		this.supervisor = supervisor;
		this.loop = loop;
		this.deadLetters = deadLetters;
		this.publisher = publisher;
		this.databaseChanged = databaseChanged;
		this.status = status;
		this.snapshots = snapshots;
		this.resources = resources;
	}

	EngineStatus status() {
		return this.status.build();
	}

	@Nullable SnapshotOperations snapshots() {
		return this.snapshots;
	}

	@Nullable DeadLetterOperations deadLetters() {
		return this.deadLetters;
	}

	ClusterSchemaView clusterSchema() {
		return new ClusterSchemaView(this.registry.nodes(CLUSTER_SCHEMA_READ_DEADLINE));
	}

	/**
	 * Pauses a shard until it is resumed.
	 * @param shard the shard, checked by the caller
	 * @return {@code true} when it was not paused manually before
	 */
	boolean pauseShard(int shard) {
		return receiving("pause").pause(shard);
	}

	/**
	 * Resumes a shard an operator paused.
	 * @param shard the shard, checked by the caller
	 * @return {@code true} when it was paused manually
	 */
	boolean resumeShard(int shard) {
		return receiving("resume").resume(shard);
	}

	/**
	 * The message each shard waits on.
	 * @return by shard; empty when none waits or the node does not replicate
	 */
	Map<Integer, BlockedMessage> blockedMessages() {
		return (this.loop != null) ? this.loop.blocked() : Map.of();
	}

	/**
	 * Moves the message a shard waits on to the dead letter so the shard goes on.
	 * @param shard the shard, checked by the caller
	 * @return the message skipped, empty when the shard waits on nothing
	 */
	Optional<BlockedMessage> skipBlocked(int shard) {
		receiving("skip the blocking message of");
		try {
			return Objects.requireNonNull(this.loop).skipBlocked(shard);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new HarmonyLiteException("Interrupted while waiting to skip the blocking message of shard " + shard,
					ex);
		}
	}

	private ShardSupervisor receiving(String action) {
		ShardSupervisor current = this.supervisor;
		if (current == null) {
			throw new HarmonyLiteException("Node " + this.config.nodeId() + " applies no changes from the cluster "
					+ "(harmonylite.replicate=false), so it has no shard to " + action
					+ "; set harmonylite.replicate=true to replicate");
		}
		return current;
	}

	@Override
	public boolean publishes() {
		return this.publisher != null;
	}

	@Override
	public long pendingChanges() {
		return this.captureState.pendingChanges();
	}

	@Override
	public void wakePublisher() {
		if (this.publisher != null) {
			this.publisher.signal();
		}
	}

	@Override
	public void awaitDatabaseChange(Duration timeout) throws InterruptedException {
		this.databaseChanged.await(timeout);
	}

	@Override
	public ApplyLoop.Pause holdApply() {
		if (this.loop == null) {
			return () -> {
			};
		}
		try {
			return this.loop.pause();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new HarmonyLiteException("Node " + this.config.nodeId() + " was interrupted while waiting for the "
					+ "batch being applied to commit before a schema migration", ex);
		}
	}

	@Override
	public void removeTriggers() {
		this.capture.removeTriggers();
	}

	@Override
	public void recomputeSchema() {
		this.schema.check(Duration.ZERO);
		this.schema.publish();
		if (this.supervisor != null) {
			this.supervisor.redeliverPausedNow();
		}
	}

	/**
	 * Stops the node in reverse start order: the notifier and publisher first (the in-flight batch is acknowledged
	 * and marked), then the apply loop's sources and the loop (its batch commits), the scheduler, NATS, and the
	 * database connections last.
	 */
	@Override
	public void close() {
		this.resources.close();
	}

	@Override
	public String toString() {
		return "RunningNode[" + this.config.nodeId() + "]";
	}

}
