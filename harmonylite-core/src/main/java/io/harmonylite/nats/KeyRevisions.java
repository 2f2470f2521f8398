package io.harmonylite.nats;

import io.nats.client.api.KeyValueEntry;
import org.jspecify.annotations.Nullable;

/**
 * How a node that writes a key of an expiring bucket with plain puts tells that another node wrote it since. Such
 * buckets (node presence, the snapshot lease) are written without revision checks: nats-server 2.10 checks a message's
 * expected last subject sequence on every replica, and a replica caught up from a snapshot of a bucket whose messages
 * expire may judge it otherwise than its leader did, reject the message and stay behind for good. So a node reads the
 * key before it writes: a revision above its own was written by someone else, and one below it is an outdated read (a
 * replica behind its leader), not a write since.
 */
final class KeyRevisions {

	private KeyRevisions() {
	}

	/**
	 * Whether the key was written since this node's own write.
	 * @param entry the key as read now, {@code null} when absent
	 * @param own the revision of this node's last write, {@code null} when it holds none
	 * @return {@code true} when the entry is newer than this node's write (or this node wrote none)
	 */
	static boolean writtenSince(@Nullable KeyValueEntry entry, @Nullable Long own) {
		return entry != null && (own == null || entry.getRevision() > own);
	}

}
