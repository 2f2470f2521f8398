package io.harmonylite.snapshot;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What a snapshot holds and where it comes from, stored beside its data so that a node can choose one without
 * downloading it.
 *
 * @param id the snapshot's id, unique in its store, safe as a file, object and S3 key name
 * @param nodeId the node that took it
 * @param schemaHash the schema hash of the replicated tables in it, as the taking node computed it
 * @param positions per stream, the sequence of the last change the copy reflects
 * @param streamIdentities per stream, the incarnation (creation time) the positions refer to
 * @param createdAt when the copy was taken
 * @param size the size of the stored, compressed data in bytes
 * @param databaseSize the size of the uncompressed database in bytes
 * @param sha256 the lowercase hexadecimal SHA-256 of the stored, compressed data
 * @param rowCounts per table in the copy, its number of rows
 * @param harmonyLiteVersion the HarmonyLite version that took it
 * @since 0.1.0
 */
public record SnapshotMetadata(String id, long nodeId, String schemaHash, Map<String, Long> positions,
		Map<String, String> streamIdentities, Instant createdAt, long size, long databaseSize, String sha256,
		Map<String, Long> rowCounts, String harmonyLiteVersion) {

	/** Newest first: by creation time, then by id. */
	public static final Comparator<SnapshotMetadata> NEWEST_FIRST = Comparator
		.comparing(SnapshotMetadata::createdAt)
		.thenComparing(SnapshotMetadata::id)
		.reversed();

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

	private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

	private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
		.withZone(ZoneOffset.UTC);

	public SnapshotMetadata {
		Objects.requireNonNull(id, "id");
		if (!isValidId(id)) {
			throw new IllegalArgumentException("A snapshot id may contain only letters, digits, '.', '-' and '_' "
					+ "(at most 128, not starting with a symbol), was '" + id + "'");
		}
		Objects.requireNonNull(schemaHash, "schemaHash");
		positions = sorted(positions);
		streamIdentities = sorted(streamIdentities);
		Objects.requireNonNull(createdAt, "createdAt");
		if (size < 0 || databaseSize < 0) {
			throw new IllegalArgumentException("Snapshot sizes cannot be negative, were " + size + " and " + databaseSize);
		}
		if (!SHA256.matcher(sha256).matches()) {
			throw new IllegalArgumentException("The SHA-256 must be 64 lowercase hexadecimal digits, was '" + sha256 + "'");
		}
		rowCounts = sorted(rowCounts);
		Objects.requireNonNull(harmonyLiteVersion, "harmonyLiteVersion");
	}

	/**
	 * Whether a text can be a snapshot id.
	 * @param id the text
	 * @return {@code true} when it is a valid id
	 */
	public static boolean isValidId(String id) {
		return ID.matcher(id).matches();
	}

	/**
	 * A new id that sorts by time: {@code <UTC time to the millisecond>-n<node>-<random>}.
	 * @param createdAt when the snapshot was taken
	 * @param nodeId the node taking it
	 * @return the id, e.g. {@code 20250101T100000123Z-n2-5f3a9c}
	 */
	public static String newId(Instant createdAt, long nodeId) {
		byte[] random = new byte[3];
		ThreadLocalRandom.current().nextBytes(random);
		return ID_TIME.format(createdAt) + "-n" + nodeId + "-" + HexFormat.of().formatHex(random);
	}

	/**
	 * The sum of the row counts.
	 * @return the number of rows in the copy
	 */
	public long totalRows() {
		return this.rowCounts.values().stream().mapToLong(Long::longValue).sum();
	}

	private static <V> Map<String, V> sorted(Map<String, V> map) {
		return Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(map)));
	}

}
