package io.harmonylite.capture;

import java.sql.ResultSet;
import java.sql.SQLException;

import io.harmonylite.sqlite.StoredText;
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
	 * Why a TEXT value read as {@code text} cannot be replicated, {@code null} when it can.
	 * @param column the value's column
	 * @param text the value as read
	 * @param rows the result set positioned on the change
	 * @param position the value's position in {@code rows}
	 * @return the reason, with the fix
	 * @throws SQLException if the bytes cannot be read
	 */
	static @Nullable String reason(String column, String text, ResultSet rows, int position) throws SQLException {
		byte[] stored = StoredText.notUtf8(rows, position, text);
		if (stored == null) {
			return null;
		}
		return "column '" + column + "' holds TEXT that is not valid UTF-8 (" + StoredText.literal(stored, SHOWN_BYTES)
				+ "), which other nodes would store altered; write such bytes as a BLOB (CAST(... AS BLOB)) or as "
				+ "valid UTF-8 text, then write the row again";
	}

}
