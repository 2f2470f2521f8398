package io.harmonylite.apply;

import io.harmonylite.HarmonyLiteException;

/**
 * Thrown when a change cannot be applied to the local schema (unknown table or column, another primary key, a
 * generated column, an impossible value); it is thrown before anything of the batch is written.
 * <p>
 * The changes before {@link #index()} are valid: apply them, dead-letter this one, {@link ChangeApplier#skip skip}
 * its position and go on with the rest.
 *
 * @since 0.1.0
 */
public class InvalidChangeException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	private final int index;

	private final StreamPosition position;

	private final String table;

	private final String reason;

	public InvalidChangeException(int index, StreamPosition position, String table, String reason) {
		super("Change " + index + " of the batch (table '" + table + "', stream '" + position.stream()
				+ "', sequence " + position.sequence() + ") was rejected before anything was written: " + reason);
		this.index = index;
		this.position = position;
		this.table = table;
		this.reason = reason;
	}

	/**
	 * The index of the rejected change in the batch.
	 * @return the 0-based index
	 */
	public int index() {
		return this.index;
	}

	/**
	 * The stream position of the rejected change.
	 * @return the position
	 */
	public StreamPosition position() {
		return this.position;
	}

	/**
	 * The table the rejected change names.
	 * @return the table name as sent
	 */
	public String table() {
		return this.table;
	}

	/**
	 * Why the change was rejected.
	 * @return the reason, without row values
	 */
	public String reason() {
		return this.reason;
	}

}
