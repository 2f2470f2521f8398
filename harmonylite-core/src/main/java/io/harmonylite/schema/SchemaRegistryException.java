package io.harmonylite.schema;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when the schema registry cannot be read or written, e.g. because NATS is unreachable.
 *
 * @since 0.1.0
 */
public class SchemaRegistryException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public SchemaRegistryException(String message) {
		super(message);
	}

	public SchemaRegistryException(String message, Throwable cause) {
		super(message, cause);
	}

}
