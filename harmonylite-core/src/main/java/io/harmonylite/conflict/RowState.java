package io.harmonylite.conflict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.harmonylite.event.ByteReader;
import io.harmonylite.event.ByteWriter;
import org.jspecify.annotations.Nullable;

/**
 * What a node knows about one row beyond its values: the versions of its columns and, when the row is deleted, the
 * delete's version (the tombstone) and the "ghost" values the row held, so that a later write resurrects the row with
 * the right values in the columns it does not change.
 *
 * @param versions the column versions and tombstone
 * @param ghost the deleted row's values, column to value; {@code null} when the row is not deleted
 */
record RowState(RowVersions versions, @Nullable Map<String, @Nullable Object> ghost) {

	private static final int MAX_NAME_BYTES = 64 * 1024;

	private static final int MAX_VALUE_BYTES = 64 * 1024 * 1024;

	RowState {
		if ((versions.tombstone() == null) != (ghost == null)) {
			throw new IllegalArgumentException("A deleted row needs its ghost values, a live row has none");
		}
		if (ghost != null) {
			ghost = Collections.unmodifiableMap(new LinkedHashMap<>(ghost));
		}
	}

	/**
	 * Whether the row is deleted.
	 * @return {@code true} when a tombstone is set
	 */
	boolean deleted() {
		return this.ghost != null;
	}

	static byte @Nullable [] encodeGhost(@Nullable Map<String, @Nullable Object> values) {
		if (values == null) {
			return null;
		}
		ByteWriter out = new ByteWriter(64);
		out.varLong(values.size());
		// Sorted by column name, so that equal ghosts encode to equal bytes on every node.
		new TreeMap<>(values).forEach((column, value) -> {
			out.string(column);
			out.value(value);
		});
		return out.toByteArray();
	}

	static @Nullable Map<String, @Nullable Object> decodeGhost(byte @Nullable [] bytes) {
		if (bytes == null) {
			return null;
		}
		ByteReader in = new ByteReader(bytes);
		int count = in.count(32_767, "Ghost column");
		Map<String, @Nullable Object> values = new LinkedHashMap<>(count * 2);
		for (int i = 0; i < count; i++) {
			values.put(in.string(MAX_NAME_BYTES), in.value(MAX_VALUE_BYTES));
		}
		in.expectEnd("the ghost values");
		return values;
	}

}
