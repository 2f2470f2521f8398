/**
 * Snapshots: a consistent, compressed copy of the replicated state with the stream positions it reflects, taken by one
 * node at a time ({@link io.harmonylite.snapshot.SnapshotScheduler}), kept in a {@link io.harmonylite.snapshot.SnapshotStore},
 * and restored into a live database ({@link io.harmonylite.snapshot.SnapshotRestorer}) by a node that is new or found a
 * stream gap, keeping the node's own local state.
 */
@NullMarked
package io.harmonylite.snapshot;

import org.jspecify.annotations.NullMarked;
