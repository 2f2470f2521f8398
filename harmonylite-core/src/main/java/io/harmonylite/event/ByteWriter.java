package io.harmonylite.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Writes the binary primitives of HarmonyLite's formats: unsigned LEB128 varints, length-prefixed bytes and UTF-8
 * text, and type-tagged SQLite values (see {@link ByteReader}).
 *
 * @since 0.1.0
 */
public final class ByteWriter {

	static final int TAG_NULL = 0;

	static final int TAG_INTEGER = 1;

	static final int TAG_REAL = 2;

	static final int TAG_TEXT = 3;

	static final int TAG_BLOB = 4;

	// A plain growing array: ByteArrayOutputStream synchronizes every write.
	private byte[] buffer;

	private int size;

	/**
	 * Creates a writer with a small initial buffer.
	 */
	public ByteWriter() {
		this(64);
	}

	/**
	 * Creates a writer.
	 * @param initialSize the initial buffer size
	 */
	public ByteWriter(int initialSize) {
		this.buffer = new byte[Math.max(16, initialSize)];
	}

	private void ensure(int more) {
		if (this.size + more > this.buffer.length) {
			// A large value (a BLOB of megabytes) gets room for the few bytes after it rather than a doubled buffer.
			int needed = this.size + more;
			int grown = (more > this.buffer.length) ? needed + 64 * 1024 : this.buffer.length * 2;
			this.buffer = Arrays.copyOf(this.buffer, Math.max(grown, needed));
		}
	}

	/**
	 * Writes one byte.
	 * @param value the byte, in the low 8 bits
	 * @return this writer
	 */
	public ByteWriter write(int value) {
		ensure(1);
		this.buffer[this.size++] = (byte) value;
		return this;
	}

	/**
	 * Writes raw bytes, without a length.
	 * @param bytes the bytes
	 * @return this writer
	 */
	public ByteWriter raw(byte[] bytes) {
		ensure(bytes.length);
		System.arraycopy(bytes, 0, this.buffer, this.size, bytes.length);
		this.size += bytes.length;
		return this;
	}

	/**
	 * Writes an unsigned LEB128 varint (a negative value takes 10 bytes).
	 * @param value the value
	 * @return this writer
	 */
	public ByteWriter varLong(long value) {
		ensure(10);
		long v = value;
		while ((v & ~0x7FL) != 0) {
			this.buffer[this.size++] = (byte) ((v & 0x7F) | 0x80);
			v >>>= 7;
		}
		this.buffer[this.size++] = (byte) v;
		return this;
	}

	/**
	 * Writes bytes preceded by their length.
	 * @param bytes the bytes
	 * @return this writer
	 */
	public ByteWriter bytes(byte[] bytes) {
		varLong(bytes.length);
		return raw(bytes);
	}

	/**
	 * Writes UTF-8 text preceded by its length in bytes.
	 * @param value the text
	 * @return this writer
	 */
	public ByteWriter string(String value) {
		return bytes(value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Writes 8 bytes, big-endian.
	 * @param value the value
	 * @return this writer
	 */
	public ByteWriter fixedLong(long value) {
		ensure(8);
		for (int shift = 56; shift >= 0; shift -= 8) {
			this.buffer[this.size++] = (byte) (value >>> shift);
		}
		return this;
	}

	/**
	 * Writes a storage-class value with its type tag: 0 NULL, 1 INTEGER (8 bytes), 2 REAL (8 bytes IEEE 754), 3 TEXT
	 * (UTF-8), 4 BLOB.
	 * @param value the value, one of the five storage classes
	 * @return this writer
	 */
	public ByteWriter value(@Nullable Object value) {
		if (value == null) {
			write(TAG_NULL);
		}
		else if (value instanceof Long l) {
			write(TAG_INTEGER);
			fixedLong(l);
		}
		else if (value instanceof Double d) {
			write(TAG_REAL);
			fixedLong(Double.doubleToRawLongBits(d));
		}
		else if (value instanceof String s) {
			write(TAG_TEXT);
			string(s);
		}
		else {
			write(TAG_BLOB);
			bytes((byte[]) value);
		}
		return this;
	}

	/**
	 * The bytes written so far.
	 * @return a copy of the buffer, or the buffer itself when it is exactly full (a later write copies it first), so
	 * that a writer sized exactly never holds a large message twice
	 */
	public byte[] toByteArray() {
		return (this.size == this.buffer.length) ? this.buffer : Arrays.copyOf(this.buffer, this.size);
	}

}
