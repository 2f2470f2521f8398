package io.harmonylite.engine;

import java.util.Map;

import io.harmonylite.capture.PendingChange;
import org.jspecify.annotations.Nullable;

/**
 * A change log and triggers whose figures the test sets: 2 pending changes, none failed, 3 triggers (one watched
 * table) unless changed.
 */
final class FakeCaptureState implements CaptureState {

	int triggers = 3;

	long pending = 2;

	long failed;

	@Nullable PendingChange oldestPending;

	Map<String, Long> failedByTable = Map.of();

	@Override
	public long pendingChanges() {
		return this.pending;
	}

	@Override
	public long failedChanges() {
		return this.failed;
	}

	@Override
	public int triggerCount() {
		return this.triggers;
	}

	@Override
	public @Nullable PendingChange oldestPending() {
		return this.oldestPending;
	}

	@Override
	public Map<String, Long> failedByTable() {
		return this.failedByTable;
	}

}
