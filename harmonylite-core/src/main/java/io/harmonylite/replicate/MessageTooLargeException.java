package io.harmonylite.replicate;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when an encoded change exceeds the NATS server's maximum payload.
 *
 * @since 0.1.0
 */
public class MessageTooLargeException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public MessageTooLargeException(int size, long maxPayload) {
		this("Encoded change is " + size + " bytes but the NATS server accepts at most " + maxPayload
				+ " bytes; raise max_payload in the server configuration or enable harmonylite.replication.compress");
	}

	/**
	 * Creates the exception with its own explanation.
	 * @param message what is too large, the limit, and the fix
	 */
	public MessageTooLargeException(String message) {
		super(message);
	}

}
