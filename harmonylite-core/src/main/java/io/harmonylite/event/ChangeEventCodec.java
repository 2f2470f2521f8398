package io.harmonylite.event;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.luben.zstd.Zstd;
import org.jspecify.annotations.Nullable;

/**
 * Encodes change events into a compact binary form that keeps SQLite storage classes exact, and decodes untrusted
 * bytes defensively.
 * <p>
 * Layout (all integers big-endian or unsigned LEB128 varints): magic {@code 'H' 'L'}, format version, flags (bit 0:
 * body is zstd-compressed, preceded by its uncompressed length; bit 1: the body holds several events), then the body.
 * A single event's body is: origin node, change id, committed at, operation code, table, schema hash, primary-key
 * column names, and the columns as (name, type tag, value). Type tags: 0 NULL, 1 INTEGER (8 bytes), 2 REAL (8 bytes
 * IEEE 754), 3 TEXT (UTF-8), 4 BLOB. Format 2 appends the change's clock value (a varint, never 0) and the columns an
 * UPDATE changed, as a length-prefixed bit set over the row's columns in order (bit {@code i % 8} of byte
 * {@code i / 8}); an empty bit set means every column. A body with several events is their count followed by each
 * event's body, length-prefixed. Every length is checked against the bytes present and against
 * {@link #MAX_CHANGE_BYTES}, so hostile input fails with a {@link MalformedEventException} and never allocates more
 * than that.
 * <p>
 * The format of a message decides how it is applied: format 2 changes are merged by version, format 1 changes (from
 * nodes of the previous release) are applied unconditionally in stream order. Both are decoded.
 *
 * @since 0.1.0
 */
public final class ChangeEventCodec {

	/**
	 * Upper bound of a message body that nodes of format 2 and older decode, NATS' own ceiling for a payload; larger
	 * changes travel in chunks, to nodes of {@link #FORMAT_CHUNKED}.
	 */
	public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

	/**
	 * Upper bound of a decoded change body: a change (its whole row) larger than this is never published. Such a
	 * change travels in chunks (see {@link ChunkHeader}) to nodes of {@link #FORMAT_CHUNKED}.
	 */
	public static final int MAX_CHANGE_BYTES = 128 * 1024 * 1024;

	/** The format without versions, written by the previous release. */
	public static final int FORMAT_UNVERSIONED = 1;

	/** The format with versions and changed columns; the newest event format this node reads and writes. */
	public static final int FORMAT_VERSIONED = 2;

	/**
	 * The wire format of nodes that also reassemble changes split over several messages ({@link ChunkHeader}); the
	 * events themselves are in {@link #FORMAT_VERSIONED}. A node publishes chunks only while every node reads this.
	 */
	public static final int FORMAT_CHUNKED = 3;

	/** The largest clock value accepted, so that advancing a clock past it never overflows. */
	public static final long MAX_HLC = (1L << 62) - 1;

	private static final int MAX_NAME_BYTES = 64 * 1024;

	private static final int MAX_COLUMNS = 32_767;

	private static final byte MAGIC_0 = 'H';

	private static final byte MAGIC_1 = 'L';

	private static final int FLAG_ZSTD = 1;

	private static final int FLAG_MANY = 2;

	private static final int MAX_EVENTS = 100_000;

	private final boolean compress;

	private final int format;

	/**
	 * Creates a codec that writes the newest format.
	 * @param compress whether {@link #encode} compresses bodies with zstd; decoding handles both forms
	 */
	public ChangeEventCodec(boolean compress) {
		this(compress, FORMAT_VERSIONED);
	}

	/**
	 * Creates a codec that writes a given format.
	 * @param compress whether {@link #encode} compresses bodies with zstd; decoding handles both forms
	 * @param format {@link #FORMAT_UNVERSIONED} or {@link #FORMAT_VERSIONED}
	 */
	public ChangeEventCodec(boolean compress, int format) {
		if (format != FORMAT_UNVERSIONED && format != FORMAT_VERSIONED) {
			throw new IllegalArgumentException("Unknown change event format " + format + "; this node writes formats "
					+ FORMAT_UNVERSIONED + " and " + FORMAT_VERSIONED);
		}
		this.compress = compress;
		this.format = format;
	}

	/**
	 * The format this codec writes.
	 * @return the format version
	 */
	public int format() {
		return this.format;
	}

	/**
	 * A codec like this one that writes another format.
	 * @param otherFormat the format
	 * @return this codec when the format is the same, else a new one
	 */
	public ChangeEventCodec withFormat(int otherFormat) {
		return (otherFormat == this.format) ? this : new ChangeEventCodec(this.compress, otherFormat);
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
		ByteWriter body = new ByteWriter(256);
		body.varLong(bodies.size());
		bodies.forEach(body::bytes);
		return frame(body.toByteArray(), FLAG_MANY);
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
	 * @param event the event, versioned when this codec writes format 2
	 * @param schemaHash the sender's schema hash to carry
	 * @return the uncompressed body
	 */
	public byte[] encodeBody(ChangeEvent event, String schemaHash) {
		ByteWriter body = new ByteWriter(256);
		body.varLong(event.originNodeId());
		body.varLong(event.changeId());
		body.varLong(event.committedAtMillis());
		body.write(event.operation().code());
		body.string(event.table());
		body.string(schemaHash);
		body.varLong(event.primaryKey().size());
		event.primaryKey().forEach(body::string);
		body.varLong(event.row().size());
		event.row().forEach((column, value) -> {
			body.string(column);
			body.value(value);
		});
		if (this.format == FORMAT_VERSIONED) {
			if (!event.isVersioned()) {
				throw new IllegalArgumentException(event + " has no version and cannot be written in format "
						+ FORMAT_VERSIONED + "; record it first");
			}
			body.varLong(event.hlc());
			body.bytes(changedBits(event));
		}
		return body.toByteArray();
	}

	private static byte[] changedBits(ChangeEvent event) {
		if (event.operation() != Operation.UPDATE || event.changedColumns() == null) {
			return new byte[0];
		}
		byte[] bits = new byte[(event.row().size() + 7) / 8];
		int index = 0;
		for (String column : event.row().keySet()) {
			if (event.changedColumns().contains(column)) {
				bits[index / 8] |= (byte) (1 << (index % 8));
			}
			index++;
		}
		return bits;
	}

	private byte[] frame(byte[] raw, int flags) {
		// Sized exactly when uncompressed, so that the framed message is the writer's buffer, not a second copy.
		ByteWriter message = new ByteWriter(this.compress ? raw.length / 2 + 16 : raw.length + 4);
		message.write(MAGIC_0).write(MAGIC_1).write(this.format);
		if (this.compress) {
			message.write(flags | FLAG_ZSTD);
			message.varLong(raw.length);
			message.raw(Zstd.compress(raw, 3));
		}
		else {
			message.write(flags);
			message.raw(raw);
		}
		return message.toByteArray();
	}

	/**
	 * Reads the format version of a message without decoding it.
	 * @param bytes the message payload
	 * @return the format version, or -1 when the bytes are not a change event
	 */
	public static int formatOf(byte[] bytes) {
		return (bytes.length >= 4 && bytes[0] == MAGIC_0 && bytes[1] == MAGIC_1) ? bytes[2] : -1;
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
	 * Why a message of an unknown event format version is refused: only a version above the newest this node knows can
	 * come from a newer release; any other is not a HarmonyLite change at all (a foreign or broken publisher).
	 */
	private static String unsupportedVersion(int version) {
		String known = "this node reads event format versions " + FORMAT_UNVERSIONED + " and " + FORMAT_VERSIONED;
		if (version > FORMAT_VERSIONED) {
			return "Change event format version " + version + " is not supported; " + known
					+ ". A node of a newer release sent it: upgrade this node";
		}
		return "Not a HarmonyLite change event: format version " + version + " does not exist (" + known
				+ "); something other than a HarmonyLite node published it on the change subject";
	}

	/**
	 * Decodes untrusted bytes holding one or several events, in format 1 or 2.
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
			if (version != FORMAT_UNVERSIONED && version != FORMAT_VERSIONED) {
				throw new MalformedEventException(unsupportedVersion(version));
			}
			int flags = header.get();
			if ((flags & ~(FLAG_ZSTD | FLAG_MANY)) != 0) {
				throw new MalformedEventException("Unknown change event flags " + flags);
			}
			ByteBuffer body = ((flags & FLAG_ZSTD) != 0) ? decompress(header) : header;
			if ((flags & FLAG_MANY) == 0) {
				return List.of(readEvent(new ByteReader(body), version));
			}
			ByteReader reader = new ByteReader(body);
			long count = reader.varLong();
			if (count < 1 || count > MAX_EVENTS) {
				throw new MalformedEventException("Event count " + count + " is out of range (1.." + MAX_EVENTS + ")");
			}
			List<ChangeEvent> events = new ArrayList<>((int) count);
			for (int i = 0; i < count; i++) {
				events.add(readEvent(new ByteReader(reader.bytes(MAX_CHANGE_BYTES)), version));
			}
			reader.expectEnd("the change events");
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
		long size = new ByteReader(header).varLong();
		if (size < 0 || size > MAX_CHANGE_BYTES) {
			throw new MalformedEventException("Compressed change event claims " + size + " bytes; the limit is "
					+ MAX_CHANGE_BYTES);
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

	private static ChangeEvent readEvent(ByteReader in, int format) {
		long originNodeId = in.varLong();
		if (originNodeId < 0) {
			// A node id is a positive number; the highest bit set reads as a negative one.
			throw new MalformedEventException("Change has origin node id " + Long.toUnsignedString(originNodeId)
					+ ", beyond the largest node id " + Long.MAX_VALUE);
		}
		long changeId = in.varLong();
		long committedAt = in.varLong();
		Operation operation = Operation.fromCode(in.read());
		String table = in.string(MAX_NAME_BYTES);
		String schemaHash = in.string(MAX_NAME_BYTES);
		int keyCount = in.count(MAX_COLUMNS, "Column");
		List<String> primaryKey = new ArrayList<>(keyCount);
		for (int i = 0; i < keyCount; i++) {
			primaryKey.add(in.string(MAX_NAME_BYTES));
		}
		int columnCount = in.count(MAX_COLUMNS, "Column");
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		for (int i = 0; i < columnCount; i++) {
			String column = in.string(MAX_NAME_BYTES);
			if (row.containsKey(column)) {
				throw new MalformedEventException("Column '" + column + "' appears twice in a change of table '"
						+ table + "'");
			}
			row.put(column, in.value(MAX_CHANGE_BYTES));
		}
		long hlc = 0;
		Set<String> changed = null;
		if (format == FORMAT_VERSIONED) {
			hlc = in.varLong();
			if (hlc <= 0 || hlc > MAX_HLC) {
				throw new MalformedEventException("Change of table '" + table + "' has clock value " + hlc
						+ ", outside 1.." + MAX_HLC);
			}
			changed = changedColumns(in.bytes(MAX_COLUMNS), row, operation, table);
		}
		in.expectEnd("the change event");
		return new ChangeEvent(originNodeId, changeId, table, operation, row, primaryKey, committedAt, schemaHash, hlc,
				changed);
	}

	private static @Nullable Set<String> changedColumns(byte[] bits, Map<String, @Nullable Object> row,
			Operation operation, String table) {
		if (bits.length == 0) {
			return null;
		}
		if (operation != Operation.UPDATE || bits.length != (row.size() + 7) / 8) {
			throw new MalformedEventException("Change of table '" + table + "' carries a changed-column set of "
					+ bits.length + " bytes; expected none, or " + (row.size() + 7) / 8 + " for an UPDATE of "
					+ row.size() + " columns");
		}
		Set<String> changed = new HashSet<>();
		int index = 0;
		for (String column : row.keySet()) {
			if ((bits[index / 8] & (1 << (index % 8))) != 0) {
				changed.add(column);
			}
			index++;
		}
		for (int i = index; i < bits.length * 8; i++) {
			if ((bits[i / 8] & (1 << (i % 8))) != 0) {
				throw new MalformedEventException("Change of table '" + table + "' marks column " + i
						+ " as changed but has only " + row.size() + " columns");
			}
		}
		return changed;
	}

}
