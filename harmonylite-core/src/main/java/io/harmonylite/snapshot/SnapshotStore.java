package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * Where snapshots are kept: each is its compressed data plus its {@link SnapshotMetadata}. Implementations: a NATS
 * JetStream object store (the default), a directory, an S3-compatible bucket.
 *
 * @since 0.1.0
 */
public interface SnapshotStore {

	/**
	 * Stores a snapshot; it is listed only once complete (data first, metadata last).
	 * @param metadata the snapshot's metadata
	 * @param data the compressed data, {@link SnapshotMetadata#size()} bytes
	 * @throws SnapshotException if it cannot be stored
	 */
	void put(SnapshotMetadata metadata, Path data);

	/**
	 * Lists the complete snapshots.
	 * @return their metadata, newest first ({@link SnapshotMetadata#NEWEST_FIRST})
	 * @throws SnapshotException if the store cannot be read
	 */
	List<SnapshotMetadata> list();

	/**
	 * Copies a snapshot's compressed data to a file.
	 * @param id the snapshot id
	 * @param target the file to write, replaced when it exists
	 * @return the snapshot's metadata
	 * @throws SnapshotNotFoundException if the store holds no such snapshot
	 * @throws SnapshotException if it cannot be read
	 */
	SnapshotMetadata get(String id, Path target);

	/**
	 * Deletes a snapshot; nothing happens when it does not exist.
	 * @param id the snapshot id
	 * @throws SnapshotException if it cannot be deleted
	 */
	void delete(String id);

}
