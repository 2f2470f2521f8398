package io.harmonylite.snapshot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Encodes {@link SnapshotMetadata} as the small text file every store keeps beside a snapshot's data: Java properties
 * (UTF-8), readable by people and by any language, with one key per stream and per table.
 * <p>
 * Stores write the manifest after the data, so a snapshot whose manifest exists is complete.
 *
 * @since 0.1.0
 */
public final class SnapshotManifest {

	/** The file name suffix of a manifest. */
	public static final String SUFFIX = ".manifest";

	/** The file name suffix of a snapshot's compressed data. */
	public static final String DATA_SUFFIX = ".db.zst";

	private static final String FORMAT = "1";

	private static final String POSITION = "position.";

	private static final String IDENTITY = "identity.";

	private static final String ROWS = "rows.";

	private SnapshotManifest() {
	}

	/**
	 * The manifest's name for a snapshot id.
	 * @param id the snapshot id
	 * @return {@code <id>.manifest}
	 */
	public static String manifestName(String id) {
		return id + SUFFIX;
	}

	/**
	 * The data's name for a snapshot id.
	 * @param id the snapshot id
	 * @return {@code <id>.db.zst}
	 */
	public static String dataName(String id) {
		return id + DATA_SUFFIX;
	}

	/**
	 * Encodes metadata.
	 * @param metadata the metadata
	 * @return the manifest's bytes
	 */
	public static byte[] encode(SnapshotMetadata metadata) {
		Properties properties = new Properties();
		properties.setProperty("format", FORMAT);
		properties.setProperty("id", metadata.id());
		properties.setProperty("node_id", Long.toString(metadata.nodeId()));
		properties.setProperty("schema_hash", metadata.schemaHash());
		properties.setProperty("created_at", metadata.createdAt().toString());
		properties.setProperty("size", Long.toString(metadata.size()));
		properties.setProperty("database_size", Long.toString(metadata.databaseSize()));
		properties.setProperty("sha256", metadata.sha256());
		properties.setProperty("harmonylite_version", metadata.harmonyLiteVersion());
		metadata.positions().forEach((stream, sequence) -> properties.setProperty(POSITION + stream, sequence.toString()));
		metadata.streamIdentities().forEach((stream, identity) -> properties.setProperty(IDENTITY + stream, identity));
		metadata.rowCounts().forEach((table, rows) -> properties.setProperty(ROWS + table, rows.toString()));
		StringWriter text = new StringWriter();
		try {
			properties.store(text, "HarmonyLite snapshot " + metadata.id());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Decodes a manifest.
	 * @param bytes the manifest's bytes
	 * @param source where it was read from, for the error message
	 * @return the metadata
	 * @throws SnapshotException if the manifest is not a readable format-1 manifest
	 */
	public static SnapshotMetadata decode(byte[] bytes, String source) {
		Properties properties = new Properties();
		try {
			properties.load(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
			String format = required(properties, "format");
			if (!FORMAT.equals(format)) {
				throw new IllegalArgumentException("format " + format + " is not supported (this version reads format "
						+ FORMAT + "); upgrade HarmonyLite on this node");
			}
			return new SnapshotMetadata(required(properties, "id"), Long.parseLong(required(properties, "node_id")),
					required(properties, "schema_hash"), prefixed(properties, POSITION, Long::valueOf),
					prefixed(properties, IDENTITY, Function.identity()), Instant.parse(required(properties, "created_at")),
					Long.parseLong(required(properties, "size")), Long.parseLong(required(properties, "database_size")),
					required(properties, "sha256"), prefixed(properties, ROWS, Long::valueOf),
					required(properties, "harmonylite_version"));
		}
		catch (IOException | IllegalArgumentException | DateTimeParseException ex) {
			throw new SnapshotException("Unreadable snapshot manifest " + source + ": " + ex.getMessage()
					+ ". Delete the snapshot from the store; a new one is taken every harmonylite.snapshot.interval", ex);
		}
	}

	private static String required(Properties properties, String key) {
		String value = properties.getProperty(key);
		if (value == null) {
			throw new IllegalArgumentException("key '" + key + "' is missing");
		}
		return value;
	}

	private static <V> Map<String, V> prefixed(Properties properties, String prefix, Function<String, V> parse) {
		Map<String, V> values = new TreeMap<>();
		for (String key : properties.stringPropertyNames()) {
			if (key.startsWith(prefix)) {
				values.put(key.substring(prefix.length()), parse.apply(properties.getProperty(key)));
			}
		}
		return values;
	}

}
