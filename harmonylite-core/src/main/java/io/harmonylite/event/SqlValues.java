package io.harmonylite.event;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The five SQLite storage classes as Java values: {@code null}, {@link Long}, {@link Double}, {@link String} and
 * {@code byte[]}.
 *
 * @since 0.1.0
 */
public final class SqlValues {

	private SqlValues() {
	}

	/**
	 * Normalizes a value to one of the five storage classes, widening {@link Integer}, {@link Short} and
	 * {@link Byte} to {@link Long} and {@link Float} to {@link Double}.
	 * @param column the column the value belongs to, for the error message
	 * @param value the value
	 * @return the normalized value
	 * @throws IllegalArgumentException if the value is of no SQLite storage class
	 */
	public static @Nullable Object normalize(String column, @Nullable Object value) {
		if (value == null || value instanceof Long || value instanceof Double || value instanceof String
				|| value instanceof byte[]) {
			return value;
		}
		if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		if (value instanceof Float f) {
			return f.doubleValue();
		}
		throw new IllegalArgumentException("Column '" + column + "' has a value of type " + value.getClass().getName()
				+ "; only NULL, INTEGER (Long), REAL (Double), TEXT (String) and BLOB (byte[]) can be replicated");
	}

	/**
	 * Compares two storage-class values, comparing blobs by content.
	 * @param a one value
	 * @param b the other value
	 * @return whether they are equal
	 */
	public static boolean equal(@Nullable Object a, @Nullable Object b) {
		if (a instanceof byte[] x && b instanceof byte[] y) {
			return Arrays.equals(x, y);
		}
		return (a == null) ? b == null : a.equals(b);
	}

}
