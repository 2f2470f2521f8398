package io.harmonylite.conflict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.harmonylite.event.ByteReader;
import io.harmonylite.event.ByteWriter;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.MalformedEventException;
import org.jspecify.annotations.Nullable;

/**
 * A row's identity in the version state: its table and a canonical, type-tagged encoding of its primary-key values,
 * so that the keys 1, 1.0 and '1' stay three different rows, as they are to SQLite's {@code BINARY} comparison.
 *
 * @since 0.1.0
 */
public final class RowKey {

	private static final int MAX_VALUE_BYTES = 64 * 1024 * 1024;

	private final String table;

	private final byte[] key;

	private final int hash;

	RowKey(String table, byte[] key) {
		this.table = table;
		this.key = key;
		this.hash = 31 * table.hashCode() + Arrays.hashCode(key);
	}

	/**
	 * The key of the row a change is about.
	 * @param event the change
	 * @return its row's key
	 */
	public static RowKey of(ChangeEvent event) {
		// The same encoding as of(table, values), without a list of the values: this runs for every applied change.
		List<String> primaryKey = event.primaryKey();
		ByteWriter out = new ByteWriter(16);
		out.varLong(primaryKey.size());
		for (String column : primaryKey) {
			out.value(event.row().get(column));
		}
		return new RowKey(event.table(), out.toByteArray());
	}

	/**
	 * The key of a row, from its primary-key values.
	 * @param table the row's table
	 * @param values its primary-key values in key order, normalized (see {@code SqlValues})
	 * @return its key
	 */
	static RowKey of(String table, List<@Nullable Object> values) {
		ByteWriter out = new ByteWriter(16);
		out.varLong(values.size());
		for (Object value : values) {
			out.value(value);
		}
		return new RowKey(table, out.toByteArray());
	}

	String table() {
		return this.table;
	}

	/**
	 * The encoded key, as stored.
	 * @return the bytes, not a copy
	 */
	byte[] key() {
		return this.key;
	}

	/**
	 * Decodes the key values.
	 * @return the primary-key values in key order
	 * @throws MalformedEventException if the stored bytes are corrupt
	 */
	List<@Nullable Object> values() {
		ByteReader in = new ByteReader(this.key);
		int count = in.count(32_767, "Key column");
		List<@Nullable Object> values = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			values.add(in.value(MAX_VALUE_BYTES));
		}
		in.expectEnd("the key");
		return values;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof RowKey that && this.hash == that.hash && this.table.equals(that.table)
				&& Arrays.equals(this.key, that.key);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		// Never print key values: they may be personal data.
		return "RowKey[" + this.table + ", " + this.key.length + " bytes]";
	}

}
