package io.harmonylite.event;

/**
 * The kind of row change captured on the origin node.
 *
 * @since 0.1.0
 */
public enum Operation {

	INSERT(1), UPDATE(2), DELETE(3);

	private final int code;

	Operation(int code) {
		this.code = code;
	}

	/**
	 * The stable numeric code used in the change log and on the wire.
	 * @return the code, 1 to 3
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Resolves a numeric code.
	 * @param code the code read from the change log or the wire
	 * @return the operation
	 * @throws IllegalArgumentException if the code names no operation
	 */
	public static Operation fromCode(int code) {
		for (Operation operation : values()) {
			if (operation.code == code) {
				return operation;
			}
		}
		throw new IllegalArgumentException("Unknown operation code " + code + "; expected 1 (INSERT), 2 (UPDATE) or 3 (DELETE)");
	}

}
