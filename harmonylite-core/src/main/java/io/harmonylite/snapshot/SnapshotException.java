package io.harmonylite.snapshot;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when a snapshot cannot be taken, stored, read or restored; the message says what failed and the fix.
 *
 * @since 0.1.0
 */
public class SnapshotException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public SnapshotException(String message) {
		super(message);
	}

	public SnapshotException(String message, Throwable cause) {
		super(message, cause);
	}

}
