package io.harmonylite.capture;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What one call of a local-change recorder recorded: pending changes up to {@code through} may be published, and
 * when the recording continued right where the caller's read left off, the recorded changes themselves, so that the
 * caller need not read them from the change log again.
 *
 * @param through the highest change-log id recorded, or for unrecorded changes the last of them
 * @param changes the pending changes after the caller's position up to {@code through}, in id order, with their final
 * versions; {@code null} when the caller must read them from the change log (e.g. when another transaction recorded
 * some of them)
 * @param recorded whether the changes are recorded in the version state; {@code false} for changes handed over to be
 * sent before they are recorded, with the versions that recording will keep
 * @since 0.1.0
 */
public record RecordedChanges(long through, @Nullable List<CapturedChange> changes, boolean recorded) {

	/**
	 * Recorded changes.
	 * @param through the highest change-log id recorded
	 * @param changes the recorded changes following the caller's position, or {@code null}
	 */
	public RecordedChanges(long through, @Nullable List<CapturedChange> changes) {
		this(through, changes, true);
	}

	/**
	 * Changes recorded elsewhere, or none at all: the caller reads up to {@code through} from the change log.
	 * @param through the highest change-log id recorded
	 * @return the result
	 */
	public static RecordedChanges readFromLog(long through) {
		return new RecordedChanges(through, null);
	}

	/**
	 * Pending changes handed over before they are recorded, with their final versions.
	 * @param changes the changes, in id order, at least one
	 * @return the result
	 */
	public static RecordedChanges unrecorded(List<CapturedChange> changes) {
		return new RecordedChanges(changes.get(changes.size() - 1).id(), List.copyOf(changes), false);
	}

}
