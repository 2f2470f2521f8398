package io.harmonylite.snapshot;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a restore did: installed the snapshot, or refused it and why.
 *
 * @since 0.1.0
 */
public sealed interface RestoreOutcome {

	/**
	 * The snapshot is installed; the node resumes each stream after the position given.
	 *
	 * @param snapshotId the snapshot installed
	 * @param positions per stream, the sequence of the last change the database now reflects
	 * @param streamIdentities per stream, the incarnation those positions refer to
	 * @param took how long the restore took, download included
	 */
	record Restored(String snapshotId, Map<String, Long> positions, Map<String, String> streamIdentities,
			Duration took) implements RestoreOutcome {

		public Restored {
			positions = Map.copyOf(new TreeMap<>(positions));
			streamIdentities = Map.copyOf(new TreeMap<>(streamIdentities));
		}

		/**
		 * The position to resume a stream from.
		 * @param stream the stream
		 * @return the sequence of the last change applied, 0 when the snapshot has none for the stream
		 */
		public long position(String stream) {
			return this.positions.getOrDefault(stream, 0L);
		}

	}

	/**
	 * The snapshot was not installed and the database is unchanged; the node should wait and say why.
	 *
	 * @param reason why, with the fix
	 */
	record Refused(String reason) implements RestoreOutcome {
	}

}
