package io.harmonylite.capture;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * Finds TEXT values that are not valid UTF-8. SQLite stores whatever bytes a writer gives it as TEXT (the
 * {@code sqlite3} CLI's {@code CAST(x'ff' AS TEXT)}, a C program), but a Java string holds such bytes only with
 * replacement characters: replicated, the value would arrive altered and the nodes would differ for good, two keys
 * could even become one. Such a change is refused instead, loudly.
 */
final class InvalidText {

	private static final int SHOWN_BYTES = 16;

	private InvalidText() {
	}

	/**
	 * Why a TEXT value read as {@code text} cannot be replicated, {@code null} when it can. The bytes are read again
	 * only when the string holds a replacement character, which every altered value does.
	 * @param column the value's column
	 * @param text the value as read
	 * @param rows the result set positioned on the change
	 * @param position the value's position in {@code rows}
	 * @return the reason, with the fix
	 * @throws SQLException if the bytes cannot be read
	 */
	static @Nullable String reason(String column, String text, ResultSet rows, int position) throws SQLException {
		if (text.indexOf('\uFFFD') < 0) {
			return null;
		}
		byte[] stored = rows.getBytes(position);
		if (stored == null || Arrays.equals(stored, text.getBytes(StandardCharsets.UTF_8))) {
			return null;
		}
		String shown = HexFormat.of().withUpperCase().formatHex(stored, 0, Math.min(stored.length, SHOWN_BYTES))
				+ ((stored.length > SHOWN_BYTES) ? "…" : "");
		return "column '" + column + "' holds TEXT that is not valid UTF-8 (x'" + shown + "'), which other nodes "
				+ "would store altered; write such bytes as a BLOB (CAST(... AS BLOB)) or as valid UTF-8 text, then "
				+ "write the row again";
	}

}
