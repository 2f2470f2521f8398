package io.harmonylite.conflict;

import io.harmonylite.event.ChangeEvent;

/**
 * Which of this node's own changes its version state already holds: those of its current capture epoch that the
 * {@link LocalChangeRecorder} recorded, except those kept through a snapshot restore (recorded before it, so the
 * restored state does not hold them). Such a change coming back from the stream can never win (its row holds its
 * version or a newer one), so the applier skips it without reading the row.
 *
 * @param nodeId this node's id, 0 when it records no changes of its own
 * @param captureEpoch the capture epoch of this node's change log
 * @param restoredThrough the last change id kept through a restore, 0 when none
 * @param recordedThrough the last change id recorded
 * @since 0.1.0
 */
public record RecordedOwnChanges(long nodeId, long captureEpoch, long restoredThrough, long recordedThrough) {

	/** For a node without changes of its own. */
	public static final RecordedOwnChanges NONE = new RecordedOwnChanges(0, 0, 0, 0);

	/**
	 * Whether a received change is one of these.
	 * @param event the change
	 * @param captureEpoch the capture epoch its message names, 0 when unknown
	 * @return {@code true} when the version state holds it (or something newer of its row)
	 */
	public boolean contains(ChangeEvent event, long captureEpoch) {
		return this.nodeId != 0 && event.originNodeId() == this.nodeId && captureEpoch == this.captureEpoch
				&& event.isVersioned() && event.changeId() > this.restoredThrough
				&& event.changeId() <= this.recordedThrough;
	}

}
