package io.harmonylite.apply;

import io.harmonylite.event.Operation;

/**
 * Thrown when SQLite refuses to write a valid change (a constraint, a trigger, a full disk); the whole batch was
 * rolled back and no stream position moved.
 *
 * @since 0.1.0
 */
public class ChangeApplyException extends BatchChangeException {

	private static final long serialVersionUID = 1L;

	public ChangeApplyException(int index, StreamPosition position, String table, Operation operation,
			Throwable cause) {
		super("Could not apply change " + index + " of the batch (" + operation + " on table '" + table
				+ "', stream '" + position.stream() + "', sequence " + position.sequence() + "): "
				+ cause.getMessage() + ". The batch was rolled back and no stream position moved; fix the cause "
				+ "(for example a UNIQUE or CHECK constraint, or a trigger on this node) and apply it again.", cause,
				index, position, table);
	}

}
