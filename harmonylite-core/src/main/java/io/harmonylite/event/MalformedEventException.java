package io.harmonylite.event;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when bytes received from the wire are not a valid change event; such a message is quarantined, never applied.
 *
 * @since 0.1.0
 */
public class MalformedEventException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public MalformedEventException(String message) {
		super(message);
	}

	public MalformedEventException(String message, Throwable cause) {
		super(message, cause);
	}

}
