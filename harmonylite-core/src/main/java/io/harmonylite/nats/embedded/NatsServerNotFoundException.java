package io.harmonylite.nats.embedded;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when the embedded mode needs a {@code nats-server} executable and none can be found.
 *
 * @since 0.1.0
 */
public class NatsServerNotFoundException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public NatsServerNotFoundException(String message) {
		super(message);
	}

}
