package io.harmonylite.event;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Reads what {@link ByteWriter} wrote, from untrusted bytes: every length is checked against the bytes present and a
 * limit, so malformed input fails with a {@link MalformedEventException} (or {@link BufferUnderflowException} when
 * truncated) and never allocates more than the input holds.
 *
 * @since 0.1.0
 */
public final class ByteReader {

	private final ByteBuffer buffer;

	/**
	 * Reads a buffer from its position.
	 * @param buffer the buffer
	 */
	public ByteReader(ByteBuffer buffer) {
		this.buffer = buffer;
	}

	/**
	 * Reads a whole array.
	 * @param bytes the bytes
	 */
	public ByteReader(byte[] bytes) {
		this(ByteBuffer.wrap(bytes));
	}

	/**
	 * Reads one byte.
	 * @return the byte, signed
	 */
	public byte read() {
		return this.buffer.get();
	}

	/**
	 * Reads an unsigned LEB128 varint.
	 * @return the value
	 */
	public long varLong() {
		long result = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			byte b = this.buffer.get();
			result |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return result;
			}
		}
		throw new MalformedEventException("Variable-length integer is longer than 10 bytes");
	}

	/**
	 * Reads a varint that counts something, checked against a limit.
	 * @param limit the largest count allowed
	 * @param what what is counted, for the message
	 * @return the count
	 */
	public int count(int limit, String what) {
		long count = varLong();
		if (count < 0 || count > limit) {
			throw new MalformedEventException(what + " count " + count + " is out of range (0.." + limit + ")");
		}
		return (int) count;
	}

	/**
	 * Reads length-prefixed bytes.
	 * @param limit the largest length allowed
	 * @return the bytes
	 */
	public byte[] bytes(int limit) {
		long length = varLong();
		if (length < 0 || length > limit || length > this.buffer.remaining()) {
			throw new MalformedEventException("Length " + length + " exceeds the " + this.buffer.remaining()
					+ " bytes left (limit " + limit + ")");
		}
		byte[] bytes = new byte[(int) length];
		this.buffer.get(bytes);
		return bytes;
	}

	/**
	 * Reads length-prefixed UTF-8 text, rejecting malformed UTF-8.
	 * @param limit the largest length in bytes
	 * @return the text
	 */
	public String string(int limit) {
		byte[] bytes = bytes(limit);
		for (byte b : bytes) {
			if (b < 0) {
				return utf8(bytes);
			}
		}
		// ASCII (names, hashes, most text) is valid UTF-8 and decodes byte for byte, without a decoder.
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	private static String utf8(byte[] bytes) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new MalformedEventException("Text is not valid UTF-8", ex);
		}
	}

	/**
	 * Reads a type-tagged storage-class value.
	 * @param limit the largest TEXT or BLOB length
	 * @return the value
	 */
	public @Nullable Object value(int limit) {
		int tag = this.buffer.get();
		return switch (tag) {
			case ByteWriter.TAG_NULL -> null;
			case ByteWriter.TAG_INTEGER -> this.buffer.getLong();
			case ByteWriter.TAG_REAL -> Double.longBitsToDouble(this.buffer.getLong());
			case ByteWriter.TAG_TEXT -> string(limit);
			case ByteWriter.TAG_BLOB -> bytes(limit);
			default -> throw new MalformedEventException("Unknown value type tag " + tag);
		};
	}

	/**
	 * Fails unless every byte was read.
	 * @param what what was read, for the message
	 */
	public void expectEnd(String what) {
		if (this.buffer.hasRemaining()) {
			throw new MalformedEventException(this.buffer.remaining() + " unexpected bytes after " + what);
		}
	}

}
