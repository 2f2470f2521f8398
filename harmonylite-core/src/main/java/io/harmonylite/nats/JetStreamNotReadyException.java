package io.harmonylite.nats;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when the node is connected to NATS but JetStream cannot serve it: disabled on the server, or not ready in
 * time (a clustered JetStream without a majority of its servers, so without a leader).
 *
 * @since 0.1.0
 */
public class JetStreamNotReadyException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public JetStreamNotReadyException(String message, Throwable cause) {
		super(message, cause);
	}

}
