package io.harmonylite.nats;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when the initial connection to NATS fails after all configured attempts; the message names the servers, the
 * cause (authorization, refused connection, TLS) and the fix.
 *
 * @since 0.1.0
 */
public class NatsConnectionException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public NatsConnectionException(String message, Throwable cause) {
		super(message, cause);
	}

}
