package io.harmonylite.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.harmonylite.schema.SchemaHasher;

/**
 * Decides whether a node restores a snapshot and which: the newest one with the node's schema hash whose positions
 * the streams can still be resumed from (same stream incarnation, and no message after the position discarded).
 *
 * @since 0.1.0
 */
public final class SnapshotSelector {

	/** How many rejected snapshots a {@link RestoreDecision.Wait} explains. */
	private static final int EXPLAINED = 3;

	private final RestoreMode mode;

	/**
	 * Creates a selector.
	 * @param mode when the node restores
	 */
	public SnapshotSelector(RestoreMode mode) {
		this.mode = mode;
	}

	/**
	 * Decides.
	 * @param reason why a restore is considered
	 * @param snapshots the store's snapshots, newest first
	 * @param localSchemaHash the node's schema hash
	 * @param streams the shard streams as they are now
	 * @return restore a snapshot, proceed without one, or wait
	 */
	public RestoreDecision select(RestoreReason reason, List<SnapshotMetadata> snapshots, String localSchemaHash,
			List<StreamState> streams) {
		if (!this.mode.allows(reason)) {
			return new RestoreDecision.Proceed("harmonylite.snapshot.restore is " + this.mode.name().toLowerCase()
					+ ", which does not restore " + describe(reason));
		}
		List<String> rejections = new ArrayList<>();
		for (SnapshotMetadata snapshot : snapshots) {
			Optional<String> rejection = rejection(snapshot, localSchemaHash, streams);
			if (rejection.isEmpty()) {
				return new RestoreDecision.Restore(snapshot);
			}
			rejections.add(rejection.get());
		}
		if (reason == RestoreReason.NO_REPLICATION_STATE && streams.stream().allMatch((s) -> s.firstSequence() <= 1)) {
			return new RestoreDecision.Proceed(snapshots.isEmpty() ? "no snapshot exists; the streams hold every change"
					: "no snapshot fits, and the streams hold every change");
		}
		String why = snapshots.isEmpty() ? "no snapshot exists"
				: "none of the " + snapshots.size() + " snapshot(s) fits: "
						+ String.join("; ", rejections.subList(0, Math.min(EXPLAINED, rejections.size())))
						+ ((rejections.size() > EXPLAINED) ? "; ..." : "");
		return new RestoreDecision.Wait("A snapshot is needed " + describe(reason) + " but " + why
				+ ". Take one on a healthy node (every node takes one every harmonylite.snapshot.interval while it "
				+ "holds the snapshot lease, or on demand), or apply the same migrations here");
	}

	private static Optional<String> rejection(SnapshotMetadata snapshot, String localSchemaHash,
			List<StreamState> streams) {
		if (!snapshot.schemaHash().equals(localSchemaHash)) {
			return Optional.of(snapshot.id() + " has schema hash " + SchemaHasher.shortHash(snapshot.schemaHash())
					+ ", this node " + SchemaHasher.shortHash(localSchemaHash));
		}
		for (StreamState stream : streams) {
			long position = snapshot.positions().getOrDefault(stream.stream(), 0L);
			String identity = snapshot.streamIdentities().get(stream.stream());
			if (identity != null && !identity.equals(stream.identity())) {
				return Optional.of(snapshot.id() + " is of an older incarnation of stream " + stream.stream()
						+ " (created " + identity + ", now " + stream.identity() + ")");
			}
			if (position + 1 < stream.firstSequence()) {
				return Optional.of(snapshot.id() + " is at sequence " + position + " of stream " + stream.stream()
						+ ", which now starts at " + stream.firstSequence());
			}
		}
		return Optional.empty();
	}

	private static String describe(RestoreReason reason) {
		return (reason == RestoreReason.NO_REPLICATION_STATE) ? "for a node without replication state"
				: "for a node with a stream gap";
	}

}
