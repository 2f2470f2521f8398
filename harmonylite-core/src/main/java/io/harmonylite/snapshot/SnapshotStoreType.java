package io.harmonylite.snapshot;

/**
 * Where snapshots are kept ({@code harmonylite.snapshot.store}).
 *
 * @since 0.1.0
 */
public enum SnapshotStoreType {

	/** A NATS JetStream object store bucket on the cluster's NATS. */
	NATS,

	/** An S3-compatible bucket (needs the {@code harmonylite-snapshot-s3} module). */
	S3,

	/** A directory, e.g. a volume mounted on every node. */
	DIRECTORY

}
