package io.harmonylite.conflict;

import java.util.Arrays;
import java.util.Comparator;

import org.jspecify.annotations.Nullable;

/**
 * A total order of SQLite storage-class values, used only to break ties between values written at the same
 * {@link io.harmonylite.event.Version#ZERO unknown} version, so that every node picks the same one.
 * <p>
 * SQLite's type order first (NULL, then INTEGER and REAL compared as numbers, then TEXT, then BLOB); numbers by value,
 * an INTEGER before a REAL of the same value; TEXT by code point (the order of its UTF-8 bytes, SQLite's
 * {@code BINARY} collation); BLOB by unsigned bytes.
 */
final class ValueOrder implements Comparator<@Nullable Object> {

	static final ValueOrder INSTANCE = new ValueOrder();

	private ValueOrder() {
	}

	@Override
	public int compare(@Nullable Object a, @Nullable Object b) {
		int byClass = Integer.compare(rank(a), rank(b));
		if (byClass != 0 || a == null || b == null) {
			return byClass;
		}
		if (a instanceof String x && b instanceof String y) {
			return compareCodePoints(x, y);
		}
		if (a instanceof byte[] x && b instanceof byte[] y) {
			return Arrays.compareUnsigned(x, y);
		}
		return compareNumbers(a, b);
	}

	private static int rank(@Nullable Object value) {
		if (value == null) {
			return 0;
		}
		if (value instanceof Long || value instanceof Double) {
			return 1;
		}
		return (value instanceof String) ? 2 : 3;
	}

	private static int compareNumbers(Object a, Object b) {
		if (a instanceof Long x && b instanceof Long y) {
			return Long.compare(x, y);
		}
		if (a instanceof Double x && b instanceof Double y) {
			return Double.compare(x, y);
		}
		if (a instanceof Long x) {
			int byValue = compareLongToDouble(x, (Double) b);
			return (byValue != 0) ? byValue : -1;
		}
		int byValue = -compareLongToDouble((Long) b, (Double) a);
		return (byValue != 0) ? byValue : 1;
	}

	/** Exact, also for longs beyond a double's 53-bit mantissa. */
	private static int compareLongToDouble(long l, double d) {
		if (Double.isNaN(d)) {
			return -1;
		}
		if (d < -0x1p63) {
			return 1;
		}
		if (d >= 0x1p63) {
			return -1;
		}
		long truncated = (long) d;
		if (l != truncated) {
			return Long.compare(l, truncated);
		}
		double fraction = d - truncated;
		return (fraction > 0) ? -1 : ((fraction < 0) ? 1 : 0);
	}

	private static int compareCodePoints(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			int x = a.codePointAt(i);
			int y = b.codePointAt(j);
			if (x != y) {
				return Integer.compare(x, y);
			}
			i += Character.charCount(x);
			j += Character.charCount(y);
		}
		return Integer.compare(a.length() - i, b.length() - j);
	}

}
