package io.harmonylite.conflict;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.harmonylite.event.ByteReader;
import io.harmonylite.event.ByteWriter;
import io.harmonylite.event.Version;
import org.jspecify.annotations.Nullable;

/**
 * The versions of one row: a base version for every column, per-column exceptions, and the version of the delete
 * that removed the row, if it is deleted. Mutable; encoded compactly for the version table.
 * <p>
 * Encoding: a flags byte (bit 0: a tombstone follows), the base version, the number of exceptions, each as (column
 * name, version), then the tombstone; a version is its clock value and node as varints.
 */
final class RowVersions {

	private static final int FLAG_TOMBSTONE = 1;

	private static final int MAX_NAME_BYTES = 64 * 1024;

	private Version base;

	// The exceptions, sorted by column name: rows have few, so arrays beat a map. Null when there are none.
	private String @Nullable [] names;

	private Version @Nullable [] versions;

	private int count;

	private @Nullable Version tombstone;

	private RowVersions(Version base, @Nullable Version tombstone) {
		this.base = base;
		this.tombstone = tombstone;
	}

	/**
	 * Versions where every column is at the given version.
	 * @param version the version of every column
	 * @return new versions without tombstone
	 */
	static RowVersions all(Version version) {
		return new RowVersions(version, null);
	}

	RowVersions copy() {
		RowVersions copy = new RowVersions(this.base, this.tombstone);
		if (this.count > 0) {
			copy.names = this.names.clone();
			copy.versions = this.versions.clone();
			copy.count = this.count;
		}
		return copy;
	}

	/**
	 * The version of one column.
	 * @param column the column name
	 * @return its version; the base version when the column has no exception
	 */
	Version of(String column) {
		int index = indexOf(column);
		return (index >= 0) ? this.versions[index] : this.base;
	}

	private int indexOf(String column) {
		return (this.count > 0) ? Arrays.binarySearch(this.names, 0, this.count, column) : -1;
	}

	/**
	 * Sets the version of one column.
	 * @param column the column name
	 * @param version the version
	 */
	void set(String column, Version version) {
		int index = indexOf(column);
		if (version.equals(this.base)) {
			if (index >= 0) {
				System.arraycopy(this.names, index + 1, this.names, index, this.count - index - 1);
				System.arraycopy(this.versions, index + 1, this.versions, index, this.count - index - 1);
				this.count--;
			}
			return;
		}
		if (index >= 0) {
			this.versions[index] = version;
			return;
		}
		if (this.names == null) {
			this.names = new String[4];
			this.versions = new Version[4];
		}
		else if (this.count == this.names.length) {
			this.names = Arrays.copyOf(this.names, this.count * 2);
			this.versions = Arrays.copyOf(this.versions, this.count * 2);
		}
		int insert = -(index + 1);
		System.arraycopy(this.names, insert, this.names, insert + 1, this.count - insert);
		System.arraycopy(this.versions, insert, this.versions, insert + 1, this.count - insert);
		this.names[insert] = column;
		this.versions[insert] = version;
		this.count++;
	}

	/**
	 * Moves the versions of renamed columns to their new names.
	 * @param renames old column name to new name
	 * @return whether anything moved
	 */
	boolean rename(Map<String, String> renames) {
		Map<String, Version> moved = new HashMap<>();
		for (Map.Entry<String, String> rename : renames.entrySet()) {
			int index = indexOf(rename.getKey());
			if (index >= 0) {
				moved.put(rename.getValue(), this.versions[index]);
				set(rename.getKey(), this.base);
			}
		}
		moved.forEach(this::set);
		return !moved.isEmpty();
	}

	/**
	 * Sets every column to one version.
	 * @param version the version
	 */
	void setAll(Version version) {
		this.base = version;
		this.names = null;
		this.versions = null;
		this.count = 0;
	}

	/**
	 * Makes the representation canonical for the row's columns: the base is the version most of them hold (the
	 * newest of those, on a tie) and only the others are exceptions, so that equal versions encode to equal bytes on
	 * every node, whatever order the changes arrived in.
	 * @param columns every column of the row
	 */
	void compact(Set<String> columns) {
		if (this.count == 0) {
			return;
		}
		Version[] distinct = new Version[columns.size() + 1];
		int[] counts = new int[distinct.length];
		int kinds = 0;
		for (String column : columns) {
			Version version = of(column);
			int kind = 0;
			while (kind < kinds && !distinct[kind].equals(version)) {
				kind++;
			}
			if (kind == kinds) {
				distinct[kinds++] = version;
			}
			counts[kind]++;
		}
		int best = 0;
		for (int kind = 1; kind < kinds; kind++) {
			if (counts[kind] > counts[best] || (counts[kind] == counts[best] && distinct[kind].isAfter(distinct[best]))) {
				best = kind;
			}
		}
		Version base = (kinds > 0) ? distinct[best] : this.base;
		if (base.equals(this.base)) {
			return;
		}
		Version[] current = new Version[columns.size()];
		int i = 0;
		for (String column : columns) {
			current[i++] = of(column);
		}
		this.base = base;
		i = 0;
		for (String column : columns) {
			set(column, current[i++]);
		}
	}

	/**
	 * The newest version of any column.
	 * @return the highest column version
	 */
	Version newest() {
		Version newest = this.base;
		for (int i = 0; i < this.count; i++) {
			newest = Version.max(newest, this.versions[i]);
		}
		return newest;
	}

	/**
	 * The version of the delete that removed the row.
	 * @return the tombstone, {@code null} when the row is not deleted
	 */
	@Nullable Version tombstone() {
		return this.tombstone;
	}

	void tombstone(@Nullable Version version) {
		this.tombstone = version;
	}

	byte[] encode() {
		ByteWriter out = new ByteWriter(24 + 16 * this.count);
		out.write((this.tombstone != null) ? FLAG_TOMBSTONE : 0);
		write(out, this.base);
		out.varLong(this.count);
		for (int i = 0; i < this.count; i++) {
			out.string(this.names[i]);
			write(out, this.versions[i]);
		}
		if (this.tombstone != null) {
			write(out, this.tombstone);
		}
		return out.toByteArray();
	}

	static RowVersions decode(byte[] bytes) {
		ByteReader in = new ByteReader(bytes);
		int flags = in.read();
		if ((flags & ~FLAG_TOMBSTONE) != 0) {
			throw new IllegalArgumentException("unknown flags " + flags);
		}
		RowVersions versions = new RowVersions(read(in), null);
		int count = in.count(32_767, "Version exception");
		for (int i = 0; i < count; i++) {
			versions.set(in.string(MAX_NAME_BYTES), read(in));
		}
		if ((flags & FLAG_TOMBSTONE) != 0) {
			versions.tombstone(read(in));
		}
		in.expectEnd("the row versions");
		return versions;
	}

	private static void write(ByteWriter out, Version version) {
		out.varLong(version.hlc());
		out.varLong(version.node());
	}

	private static Version read(ByteReader in) {
		return new Version(in.varLong(), in.varLong());
	}

	@Override
	public String toString() {
		StringBuilder exceptions = new StringBuilder();
		for (int i = 0; i < this.count; i++) {
			exceptions.append((i > 0) ? ", " : "").append(this.names[i]).append('=').append(this.versions[i]);
		}
		return "RowVersions[base=" + this.base + ", exceptions={" + exceptions + "}, tombstone=" + this.tombstone + "]";
	}

}
