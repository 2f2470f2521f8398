package io.harmonylite.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.harmonylite.engine.EngineStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Status;

/**
 * The snapshots' part of the HarmonyLite health: {@link #STALE} when the newest snapshot is older than
 * {@code harmonylite.snapshot.stale-after} on an otherwise healthy node, {@link #RESTORING} during a restore, and the
 * snapshot details.
 */
final class SnapshotHealth {

	/** The newest snapshot is older than it should be; a node that needs one would restore an old one, or wait. */
	static final Status STALE = new Status("DEGRADED",
			"The newest snapshot is older than harmonylite.snapshot.stale-after; check the snapshot lease holder's logs");

	/** A snapshot is being restored; replication resumes from its positions, local writes still work. */
	static final Status RESTORING = new Status("RESTORING",
			"A snapshot is being restored; replication resumes from its positions, local writes still work");

	private final Clock clock;

	SnapshotHealth(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The node's status, {@link #STALE} instead of {@code UP} when the newest snapshot is too old.
	 * @param status the status from the node's state
	 * @param snapshots the snapshots, {@code null} when disabled
	 * @return the status
	 */
	static Status adjust(Status status, EngineStatus.@Nullable Snapshots snapshots) {
		return (Status.UP.equals(status) && snapshots != null && snapshots.stale()) ? STALE : status;
	}

	/**
	 * The details shown under {@code snapshots}.
	 * @param snapshots the snapshots
	 * @return the details
	 */
	Map<String, Object> details(EngineStatus.Snapshots snapshots) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("store", snapshots.store());
		details.put("leader", snapshots.leader());
		EngineStatus.Snapshot newest = snapshots.newest();
		if (newest != null) {
			details.put("newest", newest.id());
			details.put("newestAge", Duration.between(newest.createdAt(), this.clock.instant()).toSeconds() + "s");
		}
		details.put("stale", snapshots.stale());
		if (snapshots.staleAfter() != null) {
			details.put("staleAfter", snapshots.staleAfter().toString());
		}
		if (snapshots.restoring() != null) {
			details.put("restoring", snapshots.restoring());
		}
		if (snapshots.waiting() != null) {
			details.put("waiting", snapshots.waiting());
		}
		return details;
	}

}
