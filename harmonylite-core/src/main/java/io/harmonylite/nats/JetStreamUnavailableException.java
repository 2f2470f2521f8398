package io.harmonylite.nats;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when a JetStream call still failed transiently (unavailable, no leader, timeout) when its retry deadline
 * passed; the message names the call, the last error and what to check.
 *
 * @since 0.1.0
 */
public class JetStreamUnavailableException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public JetStreamUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
