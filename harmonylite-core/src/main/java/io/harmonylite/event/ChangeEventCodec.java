package io.harmonylite.event;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.luben.zstd.Zstd;
import org.jspecify.annotations.Nullable;

/**
 * Encodes change events into a compact binary form that keeps SQLite storage classes exact, and decodes untrusted
 * bytes defensively.
 * <p>
 * Layout (all integers big-endian or unsigned LEB128 varints): magic {@code 'H' 'L'}, version {@code 1}, flags (bit
 * 0: body is zstd-compressed, preceded by its uncompressed length; bit 1: the body holds several events), then the
 * body. A single event's body is: origin node, change id, committed at, operation code, table, schema hash,
 * primary-key column names, and the columns as (name, type tag, value). Type tags: 0 NULL, 1 INTEGER (8 bytes), 2
 * REAL (8 bytes IEEE 754), 3 TEXT (UTF-8), 4 BLOB. A body with several events is their count followed by each event's
 * body, length-prefixed. Every length is checked against the bytes present and against {@link #MAX_MESSAGE_BYTES}, so
 * hostile input fails with a {@link MalformedEventException} and never allocates more than that.
 *
 * @since 0.1.0
 */
public final class ChangeEventCodec {

	/** Upper bound of a decoded message body, well above the largest NATS payload a server allows. */
	public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

	private static final int MAX_NAME_BYTES = 64 * 1024;

	private static final int MAX_COLUMNS = 32_767;

	private static final byte MAGIC_0 = 'H';

	private static final byte MAGIC_1 = 'L';

	private static final byte VERSION = 1;

	private static final int FLAG_ZSTD = 1;

	private static final int FLAG_MANY = 2;

	private static final int MAX_EVENTS = 100_000;

	private static final int TAG_NULL = 0;

	private static final int TAG_INTEGER = 1;

	private static final int TAG_REAL = 2;

	private static final int TAG_TEXT = 3;

	private static final int TAG_BLOB = 4;

	private final boolean compress;

	/**
	 * Creates a codec.
	 * @param compress whether {@link #encode} compresses bodies with zstd; decoding handles both forms
	 */
	public ChangeEventCodec(boolean compress) {
		this.compress = compress;
	}

	/**
	 * Encodes one event.
	 * @param event the event
	 * @return the bytes to publish
	 */
	public byte[] encode(ChangeEvent event) {
		return frame(encodeBody(event), 0);
	}

	/**
	 * Encodes several events, in order, as one message.
	 * @param bodies the events' bodies from {@link #encodeBody(ChangeEvent)}
	 * @return the bytes to publish
	 */
	public byte[] encodeAll(List<byte[]> bodies) {
		if (bodies.size() == 1) {
			return frame(bodies.get(0), 0);
		}
		Writer body = new Writer();
		body.varLong(bodies.size());
		bodies.forEach(body::bytes);
		return frame(body.out.toByteArray(), FLAG_MANY);
	}

	/**
	 * Encodes an event's body, to be framed by {@link #encodeAll(List)}; its length tells the message's size.
	 * @param event the event
	 * @return the uncompressed body
	 */
	public byte[] encodeBody(ChangeEvent event) {
		return encodeBody(event, event.schemaHash());
	}

	/**
	 * Encodes an event's body stamped with a schema hash other than its own, without copying the event.
	 * @param event the event
	 * @param schemaHash the sender's schema hash to carry
	 * @return the uncompressed body
	 */
	public byte[] encodeBody(ChangeEvent event, String schemaHash) {
		Writer body = new Writer();
		body.varLong(event.originNodeId());
		body.varLong(event.changeId());
		body.varLong(event.committedAtMillis());
		body.out.write(event.operation().code());
		body.string(event.table());
		body.string(schemaHash);
		body.varLong(event.primaryKey().size());
		event.primaryKey().forEach(body::string);
		body.varLong(event.row().size());
		event.row().forEach((column, value) -> {
			body.string(column);
			body.value(value);
		});
		return body.out.toByteArray();
	}

	private byte[] frame(byte[] raw, int flags) {
		Writer message = new Writer();
		message.out.write(MAGIC_0);
		message.out.write(MAGIC_1);
		message.out.write(VERSION);
		if (this.compress) {
			message.out.write(flags | FLAG_ZSTD);
			message.varLong(raw.length);
			message.out.writeBytes(Zstd.compress(raw, 3));
		}
		else {
			message.out.write(flags);
			message.out.writeBytes(raw);
		}
		return message.out.toByteArray();
	}

	/**
	 * Decodes untrusted bytes holding exactly one event.
	 * @param bytes the message payload
	 * @return the event
	 * @throws MalformedEventException if the bytes are not a well-formed single event
	 */
	public ChangeEvent decode(byte[] bytes) {
		List<ChangeEvent> events = decodeAll(bytes);
		if (events.size() != 1) {
			throw new MalformedEventException("Expected one change event, found " + events.size());
		}
		return events.get(0);
	}

	/**
	 * Decodes untrusted bytes holding one or several events.
	 * @param bytes the message payload
	 * @return the events, in order
	 * @throws MalformedEventException if the bytes are not well-formed
	 */
	public List<ChangeEvent> decodeAll(byte[] bytes) {
		try {
			ByteBuffer header = ByteBuffer.wrap(bytes);
			if (bytes.length < 4 || header.get() != MAGIC_0 || header.get() != MAGIC_1) {
				throw new MalformedEventException("Not a HarmonyLite change event (bad magic bytes)");
			}
			int version = header.get();
			if (version != VERSION) {
				throw new MalformedEventException(
						"Change event format version " + version + " is not supported; this node reads version " + VERSION);
			}
			int flags = header.get();
			if ((flags & ~(FLAG_ZSTD | FLAG_MANY)) != 0) {
				throw new MalformedEventException("Unknown change event flags " + flags);
			}
			ByteBuffer body = ((flags & FLAG_ZSTD) != 0) ? decompress(header) : header;
			if ((flags & FLAG_MANY) == 0) {
				return List.of(readEvent(new Reader(body)));
			}
			Reader reader = new Reader(body);
			long count = reader.varLong();
			if (count < 1 || count > MAX_EVENTS) {
				throw new MalformedEventException("Event count " + count + " is out of range (1.." + MAX_EVENTS + ")");
			}
			List<ChangeEvent> events = new ArrayList<>((int) count);
			for (int i = 0; i < count; i++) {
				events.add(readEvent(new Reader(ByteBuffer.wrap(reader.bytes(MAX_MESSAGE_BYTES)))));
			}
			if (body.hasRemaining()) {
				throw new MalformedEventException(body.remaining() + " unexpected bytes after the change events");
			}
			return events;
		}
		catch (BufferUnderflowException ex) {
			throw new MalformedEventException("Change event is truncated", ex);
		}
		catch (IllegalArgumentException ex) {
			throw new MalformedEventException("Change event is invalid: " + ex.getMessage(), ex);
		}
	}

	private static ByteBuffer decompress(ByteBuffer header) {
		long size = new Reader(header).varLong();
		if (size < 0 || size > MAX_MESSAGE_BYTES) {
			throw new MalformedEventException("Compressed change event claims " + size + " bytes; the limit is "
					+ MAX_MESSAGE_BYTES);
		}
		byte[] compressed = new byte[header.remaining()];
		header.get(compressed);
		try {
			byte[] raw = Zstd.decompress(compressed, (int) size);
			if (raw.length != size) {
				throw new MalformedEventException("Compressed change event has " + raw.length
						+ " bytes but claims " + size);
			}
			return ByteBuffer.wrap(raw);
		}
		catch (RuntimeException ex) {
			if (ex instanceof MalformedEventException malformed) {
				throw malformed;
			}
			throw new MalformedEventException("Change event body is not valid zstd data", ex);
		}
	}

	private static ChangeEvent readEvent(Reader in) {
		long originNodeId = in.varLong();
		long changeId = in.varLong();
		long committedAt = in.varLong();
		Operation operation = Operation.fromCode(in.buffer.get());
		String table = in.string(MAX_NAME_BYTES);
		String schemaHash = in.string(MAX_NAME_BYTES);
		int keyCount = in.count();
		List<String> primaryKey = new ArrayList<>(keyCount);
		for (int i = 0; i < keyCount; i++) {
			primaryKey.add(in.string(MAX_NAME_BYTES));
		}
		int columnCount = in.count();
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		for (int i = 0; i < columnCount; i++) {
			String column = in.string(MAX_NAME_BYTES);
			if (row.containsKey(column)) {
				throw new MalformedEventException("Column '" + column + "' appears twice in a change of table '"
						+ table + "'");
			}
			row.put(column, in.value());
		}
		if (in.buffer.hasRemaining()) {
			throw new MalformedEventException(in.buffer.remaining() + " unexpected bytes after the change event");
		}
		return new ChangeEvent(originNodeId, changeId, table, operation, row, primaryKey, committedAt, schemaHash);
	}

	private static final class Writer {

		private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

		void varLong(long value) {
			long v = value;
			while ((v & ~0x7FL) != 0) {
				this.out.write((int) ((v & 0x7F) | 0x80));
				v >>>= 7;
			}
			this.out.write((int) v);
		}

		void bytes(byte[] bytes) {
			varLong(bytes.length);
			this.out.writeBytes(bytes);
		}

		void string(String value) {
			bytes(value.getBytes(StandardCharsets.UTF_8));
		}

		void fixedLong(long value) {
			for (int shift = 56; shift >= 0; shift -= 8) {
				this.out.write((int) (value >>> shift));
			}
		}

		void value(@Nullable Object value) {
			if (value == null) {
				this.out.write(TAG_NULL);
			}
			else if (value instanceof Long l) {
				this.out.write(TAG_INTEGER);
				fixedLong(l);
			}
			else if (value instanceof Double d) {
				this.out.write(TAG_REAL);
				fixedLong(Double.doubleToRawLongBits(d));
			}
			else if (value instanceof String s) {
				this.out.write(TAG_TEXT);
				string(s);
			}
			else {
				this.out.write(TAG_BLOB);
				bytes((byte[]) value);
			}
		}

	}

	private static final class Reader {

		private final ByteBuffer buffer;

		Reader(ByteBuffer buffer) {
			this.buffer = buffer;
		}

		long varLong() {
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

		int count() {
			long count = varLong();
			if (count < 0 || count > MAX_COLUMNS) {
				throw new MalformedEventException("Column count " + count + " is out of range (0.." + MAX_COLUMNS + ")");
			}
			return (int) count;
		}

		byte[] bytes(int limit) {
			long length = varLong();
			if (length < 0 || length > limit || length > this.buffer.remaining()) {
				throw new MalformedEventException("Length " + length + " exceeds the " + this.buffer.remaining()
						+ " bytes left (limit " + limit + ")");
			}
			byte[] bytes = new byte[(int) length];
			this.buffer.get(bytes);
			return bytes;
		}

		String string(int limit) {
			try {
				return StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(bytes(limit)))
					.toString();
			}
			catch (CharacterCodingException ex) {
				throw new MalformedEventException("Text is not valid UTF-8", ex);
			}
		}

		@Nullable Object value() {
			int tag = this.buffer.get();
			return switch (tag) {
				case TAG_NULL -> null;
				case TAG_INTEGER -> this.buffer.getLong();
				case TAG_REAL -> Double.longBitsToDouble(this.buffer.getLong());
				case TAG_TEXT -> string(MAX_MESSAGE_BYTES);
				case TAG_BLOB -> bytes(MAX_MESSAGE_BYTES);
				default -> throw new MalformedEventException("Unknown value type tag " + tag);
			};
		}

	}

}
