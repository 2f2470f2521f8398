package io.harmonylite.apply;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.Operation;

/**
 * Thrown when SQLite refuses to write a valid change (a constraint, a trigger, a full disk); the whole batch was
 * rolled back and no stream position moved.
 *
 * @since 0.1.0
 */
public class ChangeApplyException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	private final int index;

	private final StreamPosition position;

	private final String table;

	public ChangeApplyException(int index, StreamPosition position, String table, Operation operation,
			Throwable cause) {
		super("Could not apply change " + index + " of the batch (" + operation + " on table '" + table
				+ "', stream '" + position.stream() + "', sequence " + position.sequence() + "): "
				+ cause.getMessage() + ". The batch was rolled back and no stream position moved; fix the cause "
				+ "(for example a UNIQUE or CHECK constraint, or a trigger on this node) and apply it again.", cause);
		this.index = index;
		this.position = position;
		this.table = table;
	}

	/**
	 * The index of the failed change in the batch.
	 * @return the 0-based index
	 */
	public int index() {
		return this.index;
	}

	/**
	 * The stream position of the failed change.
	 * @return the position
	 */
	public StreamPosition position() {
		return this.position;
	}

	/**
	 * The table the failed change writes.
	 * @return the table name
	 */
	public String table() {
		return this.table;
	}

}
