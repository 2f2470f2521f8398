package io.harmonylite.sqlite;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * Tells TEXT that SQLite stores as given (any bytes: {@code CAST(x'ff' AS TEXT)}) from text a Java string holds
 * unaltered: a string read from bytes that are not valid UTF-8 carries replacement characters instead.
 *
 * @since 0.1.0
 */
public final class StoredText {

	private StoredText() {
	}

	/**
	 * The stored bytes of a TEXT value that a Java string cannot hold unaltered. They are read again only when the
	 * string holds a replacement character, which every altered value does.
	 * @param rows the result set, on the row
	 * @param column the value's position
	 * @param read the value as read with {@code getString}
	 * @return the bytes as stored, or {@code null} when {@code read} is exactly what is stored
	 * @throws SQLException if the bytes cannot be read
	 */
	public static byte @Nullable [] notUtf8(ResultSet rows, int column, String read) throws SQLException {
		if (read.indexOf('\uFFFD') < 0) {
			return null;
		}
		byte[] stored = rows.getBytes(column);
		return (stored == null || Arrays.equals(stored, read.getBytes(StandardCharsets.UTF_8))) ? null : stored;
	}

	/**
	 * Shows bytes as an SQL blob literal, shortened.
	 * @param bytes the bytes
	 * @param shown how many bytes to show at most
	 * @return e.g. {@code x'FFFE41'}, with {@code …} when shortened
	 */
	public static String literal(byte[] bytes, int shown) {
		return "x'" + HexFormat.of().withUpperCase().formatHex(bytes, 0, Math.min(bytes.length, shown))
				+ ((bytes.length > shown) ? "…" : "") + "'";
	}

}
