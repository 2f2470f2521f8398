package io.harmonylite.replicate;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.schema.SchemaHasher;
import org.jspecify.annotations.Nullable;

/**
 * Assigns a change to a shard by a hash of its table and primary-key values, so that every change of one row goes to
 * the same stream and stays ordered.
 * <p>
 * The hash is 64-bit FNV-1a over the table name (UTF-8, ASCII letters lower-cased, as SQLite compares names), a 0 byte, then each key value as a type tag and its bytes
 * (INTEGER and REAL as 8 big-endian bytes, TEXT as UTF-8, BLOB as is, each followed by a 0 byte); the shard is the
 * unsigned hash modulo the shard count. Every node computes the same shard for the same row.
 *
 * @since 0.1.0
 */
public final class ShardRouter {

	private static final long FNV_OFFSET = 0xcbf29ce484222325L;

	private static final long FNV_PRIME = 0x100000001b3L;

	private final int shards;

	public ShardRouter(int shards) {
		if (shards < 1) {
			throw new IllegalArgumentException("shards must be at least 1, was " + shards);
		}
		this.shards = shards;
	}

	/**
	 * The shard of a change.
	 * @param event the change
	 * @return the shard number, {@code 0} to {@code shards - 1}
	 */
	public int shardOf(ChangeEvent event) {
		return shardOf(event.table(), event.primaryKeyValues());
	}

	/**
	 * The shard of a row.
	 * @param table the table name
	 * @param keyValues the primary-key values in key order
	 * @return the shard number, {@code 0} to {@code shards - 1}
	 */
	public int shardOf(String table, List<@Nullable Object> keyValues) {
		if (this.shards == 1) {
			return 0;
		}
		long hash = update(FNV_OFFSET, SchemaHasher.canonicalName(table).getBytes(StandardCharsets.UTF_8));
		hash = update(hash, (byte) 0);
		for (Object value : keyValues) {
			hash = updateValue(hash, value);
		}
		return (int) Long.remainderUnsigned(hash, this.shards);
	}

	private static long updateValue(long hash, @Nullable Object value) {
		if (value == null) {
			return update(hash, (byte) 'N');
		}
		long h;
		if (value instanceof Long l) {
			h = updateLong(update(hash, (byte) 'I'), l);
		}
		else if (value instanceof Double d) {
			h = updateLong(update(hash, (byte) 'R'), Double.doubleToLongBits(d));
		}
		else if (value instanceof String s) {
			h = update(update(hash, (byte) 'T'), s.getBytes(StandardCharsets.UTF_8));
		}
		else {
			h = update(update(hash, (byte) 'B'), (byte[]) value);
		}
		return update(h, (byte) 0);
	}

	private static long updateLong(long hash, long value) {
		long h = hash;
		for (int shift = 56; shift >= 0; shift -= 8) {
			h = update(h, (byte) (value >>> shift));
		}
		return h;
	}

	private static long update(long hash, byte[] bytes) {
		long h = hash;
		for (byte b : bytes) {
			h = update(h, b);
		}
		return h;
	}

	private static long update(long hash, byte b) {
		return (hash ^ (b & 0xFF)) * FNV_PRIME;
	}

}
