package io.harmonylite.apply;

import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;

/**
 * Base of the exceptions that name one change of a batch: its index, stream position and table.
 *
 * @since 0.1.0
 */
public abstract class BatchChangeException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	private final int index;

	private final StreamPosition position;

	private final String table;

	protected BatchChangeException(String message, @Nullable Throwable cause, int index, StreamPosition position,
			String table) {
		super(message, cause);
		this.index = index;
		this.position = position;
		this.table = table;
	}

	/**
	 * The index of the change in the batch.
	 * @return the 0-based index
	 */
	public int index() {
		return this.index;
	}

	/**
	 * The stream position of the change.
	 * @return the position
	 */
	public StreamPosition position() {
		return this.position;
	}

	/**
	 * The table the change names.
	 * @return the table name as sent
	 */
	public String table() {
		return this.table;
	}

}
