package io.harmonylite.apply;

import io.harmonylite.HarmonyLiteException;

/**
 * A batch waits for the schema hash to be computed again: the local schema changed (a migration in progress) after
 * the hash the batch was judged by, so a change that does not fit may fit the new schema. Retried shortly; an
 * expected moment of every live migration, not a failure.
 */
final class SchemaRecomputePendingException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	SchemaRecomputePendingException(String message) {
		super(message);
	}

}
