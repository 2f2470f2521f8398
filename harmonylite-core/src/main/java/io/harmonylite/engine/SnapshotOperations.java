package io.harmonylite.engine;

import java.util.List;

import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotMetadata;
import org.jspecify.annotations.Nullable;

/**
 * The snapshot operations an operator asks for (Actuator, command line): list the snapshots of the store, take one,
 * restore one. On a started node they act through the running node (a restore holds its shards meanwhile); on a
 * stopped one they open the store and the streams for the call only.
 *
 * @since 0.1.0
 */
public interface SnapshotOperations {

	/**
	 * The snapshots in the store.
	 * @return their metadata, newest first
	 * @throws io.harmonylite.snapshot.SnapshotException if the store cannot be read
	 */
	List<SnapshotMetadata> list();

	/**
	 * Takes a snapshot of this node's database and stores it, whoever holds the snapshot lease.
	 * @return the stored snapshot
	 * @throws io.harmonylite.snapshot.SnapshotRefusedException if the node is not consistent now (a paused shard, a
	 * stream gap, a restore in progress)
	 * @throws io.harmonylite.snapshot.SnapshotException if it cannot be taken or stored
	 */
	SnapshotMetadata take();

	/**
	 * Restores a snapshot into this node's database, keeping its pending local changes.
	 * @param id the snapshot, {@code null} for the newest one that fits this node
	 * @return what happened; {@link RestoreOutcome.Refused} (database unchanged) when it does not fit this node
	 * @throws io.harmonylite.snapshot.SnapshotNotFoundException if the store holds no snapshot with that id
	 * @throws io.harmonylite.snapshot.SnapshotException if it cannot be read or installed (database unchanged)
	 */
	RestoreOutcome restore(@Nullable String id);

}
