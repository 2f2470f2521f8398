package io.harmonylite.apply;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when JetStream answers that a shard stream does not exist: its servers lost their JetStream data (a store
 * emptied, deleted or on a new disk) or the stream was deleted. Not a network problem: JetStream answered.
 *
 * @since 0.1.0
 */
public class MissingStreamException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	public MissingStreamException(String message, Throwable cause) {
		super(message, cause);
	}

}
