package io.harmonylite.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.harmonylite.schema.SchemaHasher;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a node restores a snapshot and which: the newest one of the node's streams (not of another cluster
 * sharing the store) with the node's schema hash whose positions the streams can still be resumed from (same stream
 * incarnation, no message after the position discarded, and no position beyond the stream's end).
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
		Fit fit = firstFitting(snapshots, localSchemaHash, streams);
		if (fit.snapshot() != null) {
			return new RestoreDecision.Restore(fit.snapshot());
		}
		if (reason == RestoreReason.NO_REPLICATION_STATE && streams.stream().allMatch((s) -> s.firstSequence() <= 1)) {
			return new RestoreDecision.Proceed(snapshots.isEmpty() ? "no snapshot exists; the streams hold every change"
					: "no snapshot fits, and the streams hold every change");
		}
		return new RestoreDecision.Wait("A snapshot is needed " + describe(reason) + " but "
				+ (snapshots.isEmpty() ? "no snapshot exists" : fit.whyNone())
				+ ". Take one on a healthy node (every node takes one every harmonylite.snapshot.interval while it "
				+ "holds the snapshot lease, or on demand), or apply the same migrations here");
	}

	/**
	 * Chooses the snapshot an operator asked to restore, whatever the mode.
	 * @param id the snapshot, {@code null} for the newest one that fits
	 * @param snapshots the store's snapshots, newest first
	 * @param store the store, for the error message
	 * @param localSchemaHash the node's schema hash
	 * @param streams the shard streams as they are now
	 * @return {@link RestoreDecision.Restore}, or {@link RestoreDecision.Wait} saying why no snapshot fits
	 * @throws SnapshotNotFoundException if no snapshot has the id
	 */
	public static RestoreDecision choose(@Nullable String id, List<SnapshotMetadata> snapshots, String store,
			String localSchemaHash, List<StreamState> streams) {
		List<SnapshotMetadata> candidates = (id != null)
				? snapshots.stream().filter((snapshot) -> snapshot.id().equals(id)).toList() : snapshots;
		if (id != null && candidates.isEmpty()) {
			throw new SnapshotNotFoundException(id, store);
		}
		Fit fit = firstFitting(candidates, localSchemaHash, streams);
		if (fit.snapshot() != null) {
			return new RestoreDecision.Restore(fit.snapshot());
		}
		return new RestoreDecision.Wait(candidates.isEmpty() ? "the store holds no snapshot (" + store + "; a NATS object "
				+ "store read through a server that has just started or joined its cluster may list none for some "
				+ "seconds: if snapshots exist, run the command again)" : fit.whyNone());
	}

	/**
	 * The first snapshot that fits, or why none of them does (the first few reasons).
	 */
	private static Fit firstFitting(List<SnapshotMetadata> snapshots, String localSchemaHash,
			List<StreamState> streams) {
		List<String> rejections = new ArrayList<>();
		for (SnapshotMetadata snapshot : snapshots) {
			Optional<String> rejection = rejection(snapshot, localSchemaHash, streams);
			if (rejection.isEmpty()) {
				return new Fit(snapshot, "");
			}
			rejections.add(rejection.get());
		}
		return new Fit(null, "none of the " + snapshots.size() + " snapshot(s) fits: "
				+ String.join("; ", rejections.subList(0, Math.min(EXPLAINED, rejections.size())))
				+ ((rejections.size() > EXPLAINED) ? "; ..." : ""));
	}

	private record Fit(@Nullable SnapshotMetadata snapshot, String whyNone) {
	}

	/**
	 * Whether a snapshot would fit a node if the node had the snapshot's schema: it is of the node's streams, and
	 * they can still be resumed from its positions.
	 * @param snapshot the snapshot
	 * @param localSchemaHash the node's schema hash
	 * @param streams the shard streams as they are now
	 * @return {@code true} when only the schema hash keeps it from fitting
	 */
	public static boolean fitsButForSchema(SnapshotMetadata snapshot, String localSchemaHash,
			List<StreamState> streams) {
		return !snapshot.schemaHash().equals(localSchemaHash)
				&& rejection(snapshot, snapshot.schemaHash(), streams).isEmpty();
	}

	/**
	 * Why a snapshot cannot be restored on a node, whatever the mode.
	 * @param snapshot the snapshot
	 * @param localSchemaHash the node's schema hash
	 * @param streams the shard streams as they are now
	 * @return the reason, empty when it can be restored
	 */
	public static Optional<String> rejection(SnapshotMetadata snapshot, String localSchemaHash,
			List<StreamState> streams) {
		if (!streams.isEmpty() && streams.stream()
			.noneMatch((stream) -> snapshot.positions().containsKey(stream.stream())
					|| snapshot.streamIdentities().containsKey(stream.stream()))) {
			// Another cluster's (other stream names sharing the store), or taken before its node read any stream.
			return Optional.of(snapshot.id() + " was taken for other streams (" + String.join(", ",
					snapshot.streamIdentities().isEmpty() ? snapshot.positions().keySet()
							: snapshot.streamIdentities().keySet())
					+ ")");
		}
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
			if (position > stream.lastSequence()) {
				// Restoring it would leave the node ahead of the stream again: a gap that no restore closes.
				return Optional.of(snapshot.id() + " is at sequence " + position + " of stream " + stream.stream()
						+ ", which ends at " + stream.lastSequence() + " as the server answering now sees it (an "
						+ "outdated copy of the stream, or a stream reset)");
			}
		}
		return Optional.empty();
	}

	private static String describe(RestoreReason reason) {
		return switch (reason) {
			case NO_REPLICATION_STATE -> "for a node without replication state";
			case STREAM_GAP -> "for a node with a stream gap";
			case UNSENT_CHANGES_OLDER_THAN_TOMBSTONES -> "for a node with unsent changes older than the tombstone "
					+ "retention";
		};
	}

}
