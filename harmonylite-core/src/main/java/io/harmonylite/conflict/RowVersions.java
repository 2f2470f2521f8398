package io.harmonylite.conflict;

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

	private @Nullable Map<String, Version> exceptions;

	private @Nullable Version tombstone;

	private RowVersions(Version base, @Nullable Map<String, Version> exceptions, @Nullable Version tombstone) {
		this.base = base;
		this.exceptions = exceptions;
		this.tombstone = tombstone;
	}

	/**
	 * Versions where every column is at the given version.
	 * @param version the version of every column
	 * @return new versions without tombstone
	 */
	static RowVersions all(Version version) {
		return new RowVersions(version, null, null);
	}

	RowVersions copy() {
		return new RowVersions(this.base, (this.exceptions != null) ? new HashMap<>(this.exceptions) : null,
				this.tombstone);
	}

	/**
	 * The version of one column.
	 * @param column the column name
	 * @return its version; the base version when the column has no exception
	 */
	Version of(String column) {
		Version version = (this.exceptions != null) ? this.exceptions.get(column) : null;
		return (version != null) ? version : this.base;
	}

	/**
	 * Sets the version of one column.
	 * @param column the column name
	 * @param version the version
	 */
	void set(String column, Version version) {
		if (version.equals(this.base)) {
			if (this.exceptions != null) {
				this.exceptions.remove(column);
			}
			return;
		}
		if (this.exceptions == null) {
			this.exceptions = new HashMap<>(4);
		}
		this.exceptions.put(column, version);
	}

	/**
	 * Sets every column to one version.
	 * @param version the version
	 */
	void setAll(Version version) {
		this.base = version;
		this.exceptions = null;
	}

	/**
	 * Folds the exceptions into the base when they name every column with one version.
	 * @param columns every column of the row
	 */
	void compact(Set<String> columns) {
		Map<String, Version> current = this.exceptions;
		if (current == null || current.isEmpty()) {
			this.exceptions = null;
			return;
		}
		if (current.size() < columns.size() || !current.keySet().containsAll(columns)) {
			return;
		}
		Version first = current.values().iterator().next();
		if (current.values().stream().allMatch(first::equals)) {
			setAll(first);
		}
	}

	/**
	 * The newest version of any column.
	 * @return the highest column version
	 */
	Version newest() {
		Version newest = this.base;
		if (this.exceptions != null) {
			for (Version version : this.exceptions.values()) {
				newest = Version.max(newest, version);
			}
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
		ByteWriter out = new ByteWriter(24);
		out.write((this.tombstone != null) ? FLAG_TOMBSTONE : 0);
		write(out, this.base);
		Map<String, Version> current = this.exceptions;
		out.varLong((current != null) ? current.size() : 0);
		if (current != null) {
			// Sorted, so that equal versions encode to equal bytes.
			current.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach((entry) -> {
				out.string(entry.getKey());
				write(out, entry.getValue());
			});
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
		Version base = read(in);
		int count = in.count(32_767, "Version exception");
		Map<String, Version> exceptions = null;
		if (count > 0) {
			exceptions = new HashMap<>(count * 2);
			for (int i = 0; i < count; i++) {
				exceptions.put(in.string(MAX_NAME_BYTES), read(in));
			}
		}
		Version tombstone = ((flags & FLAG_TOMBSTONE) != 0) ? read(in) : null;
		in.expectEnd("the row versions");
		return new RowVersions(base, exceptions, tombstone);
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
		return "RowVersions[base=" + this.base + ", exceptions=" + this.exceptions + ", tombstone=" + this.tombstone
				+ "]";
	}

}
