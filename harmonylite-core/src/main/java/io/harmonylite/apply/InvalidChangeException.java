package io.harmonylite.apply;

/**
 * Thrown when a change cannot be applied to the local schema (unknown table or column, another primary key, a
 * generated column, an impossible value); it is thrown before anything of the batch is written.
 * <p>
 * The changes before {@link #index()} are valid: apply them, dead-letter this one, {@link ChangeApplier#skip skip}
 * its position and go on with the rest.
 *
 * @since 0.1.0
 */
public class InvalidChangeException extends BatchChangeException {

	private static final long serialVersionUID = 1L;

	private final String reason;

	public InvalidChangeException(int index, StreamPosition position, String table, String reason) {
		super("Change " + index + " of the batch (table '" + table + "', stream '" + position.stream() + "', sequence "
				+ position.sequence() + ") was rejected before anything was written: " + reason, null, index, position,
				table);
		this.reason = reason;
	}

	/**
	 * Why the change was rejected.
	 * @return the reason, without row values
	 */
	public String reason() {
		return this.reason;
	}

}
