package io.harmonylite.autoconfigure.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.SnapshotOperations;
import io.harmonylite.schema.SchemaHasher;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotMetadata;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} for the node's snapshots ({@code /actuator/harmonylitesnapshots}): lists the store's
 * snapshots with the node's snapshot state, takes one ({@code POST}), and restores one into the node ({@code POST
 * /actuator/harmonylitesnapshots/{id}}, or {@value #NEWEST} for the newest one that fits the node). Read-only by
 * default, like the {@code harmonylite} endpoint: take and restore need
 * {@code management.endpoint.harmonylitesnapshots.access=unrestricted}.
 *
 * @since 0.1.0
 */
@Endpoint(id = SnapshotsEndpoint.ID, defaultAccess = Access.READ_ONLY)
public class SnapshotsEndpoint {

	/** The endpoint's id. */
	public static final String ID = "harmonylitesnapshots";

	/** The selector that restores the newest snapshot that fits the node. */
	public static final String NEWEST = "newest";

	private final SnapshotOperations operations;

	private final Supplier<EngineStatus> status;

	/**
	 * Creates the endpoint of the given engine.
	 * @param engine the engine
	 */
	public SnapshotsEndpoint(HarmonyLiteEngine engine) {
		this(engine.snapshots(), engine::status);
	}

	SnapshotsEndpoint(SnapshotOperations operations, Supplier<EngineStatus> status) {
		this.operations = operations;
		this.status = status;
	}

	/**
	 * The node's snapshot state and the store's snapshots, newest first.
	 * @return the description
	 */
	@ReadOperation
	public SnapshotsDescriptor snapshots() {
		EngineStatus current = this.status.get();
		return new SnapshotsDescriptor(current.nodeId(), current.state().name(), SnapshotStateDescriptor.of(current),
				this.operations.list().stream().map(SnapshotDescriptor::of).toList());
	}

	/**
	 * Takes a snapshot of this node now and stores it, whoever holds the snapshot lease.
	 * @return the snapshot
	 */
	@WriteOperation
	public SnapshotDescriptor take() {
		return SnapshotDescriptor.of(this.operations.take());
	}

	/**
	 * Restores a snapshot into this node, keeping its pending local changes; replication of every shard stops
	 * meanwhile and resumes from the snapshot's positions.
	 * @param id the snapshot id, or {@value #NEWEST} for the newest one that fits this node
	 * @return what happened
	 */
	@WriteOperation
	public RestoreDescriptor restore(@Selector String id) {
		return RestoreDescriptor.of(this.operations.restore(NEWEST.equals(id) ? null : id));
	}

	/**
	 * The node's snapshots.
	 *
	 * @param nodeId the node's id
	 * @param state the node's state
	 * @param node what the node knows of snapshots; {@code null} when they are disabled or the node is stopped
	 * @param snapshots the store's snapshots, newest first
	 * @since 0.1.0
	 */
	public record SnapshotsDescriptor(long nodeId, String state, @Nullable SnapshotStateDescriptor node,
			List<SnapshotDescriptor> snapshots) {
	}

	/**
	 * What the node knows of snapshots.
	 *
	 * @param store where snapshots are kept
	 * @param leader whether this node takes the scheduled snapshots (holds the lease)
	 * @param stale whether the newest snapshot is older than {@code harmonylite.snapshot.stale-after}
	 * @param lastTaken the id of the last snapshot this node took
	 * @param lastTakeSeconds how long that took
	 * @param lastRestored the id of the last snapshot restored here
	 * @param lastRestoredAt when
	 * @param lastRestoreReason why
	 * @param restoring the snapshot being restored now
	 * @param waiting why the node waits for a snapshot
	 * @since 0.1.0
	 */
	public record SnapshotStateDescriptor(String store, boolean leader, boolean stale, @Nullable String lastTaken,
			@Nullable Double lastTakeSeconds, @Nullable String lastRestored, @Nullable Instant lastRestoredAt,
			@Nullable String lastRestoreReason, @Nullable String restoring, @Nullable String waiting) {

		static @Nullable SnapshotStateDescriptor of(EngineStatus status) {
			EngineStatus.Snapshots snapshots = status.snapshots();
			if (snapshots == null) {
				return null;
			}
			EngineStatus.Restore restore = snapshots.lastRestore();
			return new SnapshotStateDescriptor(snapshots.store(), snapshots.leader(), snapshots.stale(),
					(snapshots.lastTaken() != null) ? snapshots.lastTaken().id() : null,
					seconds(snapshots.lastTakeDuration()), (restore != null) ? restore.snapshotId() : null,
					(restore != null) ? restore.at() : null, (restore != null) ? restore.reason() : null,
					snapshots.restoring(), snapshots.waiting());
		}

	}

	/**
	 * One snapshot of the store.
	 *
	 * @param id its id
	 * @param nodeId the node that took it
	 * @param createdAt when
	 * @param schemaHash the first characters of its schema hash
	 * @param positions per stream, the last change it reflects
	 * @param size its compressed size in bytes
	 * @param databaseSize its database's size in bytes
	 * @param rows its rows by table
	 * @param version the HarmonyLite version that took it
	 * @since 0.1.0
	 */
	public record SnapshotDescriptor(String id, long nodeId, Instant createdAt, String schemaHash,
			Map<String, Long> positions, long size, long databaseSize, Map<String, Long> rows, String version) {

		static SnapshotDescriptor of(SnapshotMetadata metadata) {
			return new SnapshotDescriptor(metadata.id(), metadata.nodeId(), metadata.createdAt(),
					SchemaHasher.shortHash(metadata.schemaHash()), metadata.positions(), metadata.size(),
					metadata.databaseSize(), metadata.rowCounts(), metadata.harmonyLiteVersion());
		}

	}

	/**
	 * The outcome of a restore.
	 *
	 * @param restored whether the snapshot was installed
	 * @param snapshotId the snapshot installed, {@code null} when none was
	 * @param seconds how long it took
	 * @param positions per stream, where replication resumed
	 * @param reason why nothing was installed, with the fix
	 * @since 0.1.0
	 */
	public record RestoreDescriptor(boolean restored, @Nullable String snapshotId, @Nullable Double seconds,
			Map<String, Long> positions, @Nullable String reason) {

		static RestoreDescriptor of(RestoreOutcome outcome) {
			if (outcome instanceof RestoreOutcome.Restored restored) {
				return new RestoreDescriptor(true, restored.snapshotId(), SnapshotsEndpoint.seconds(restored.took()),
						restored.positions(), null);
			}
			return new RestoreDescriptor(false, null, null, Map.of(), ((RestoreOutcome.Refused) outcome).reason());
		}

	}

	private static @Nullable Double seconds(@Nullable Duration duration) {
		return (duration != null) ? duration.toMillis() / 1000.0 : null;
	}

}
