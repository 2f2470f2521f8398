package io.harmonylite.sqlite;

/**
 * Quotes identifiers and literals for the few places where SQL text must name them (DDL and trigger bodies); values
 * are always bound parameters instead.
 *
 * @since 0.1.0
 */
public final class SqlIdentifiers {

	private SqlIdentifiers() {
	}

	/**
	 * Quotes an identifier: {@code my"table} becomes {@code "my""table"}.
	 * @param identifier the raw identifier
	 * @return the quoted identifier
	 * @throws IllegalArgumentException if it contains a NUL character, which SQLite cannot represent
	 */
	public static String quote(String identifier) {
		requireNoNul(identifier);
		return '"' + identifier.replace("\"", "\"\"") + '"';
	}

	/**
	 * Quotes a string literal: {@code it's} becomes {@code 'it''s'}.
	 * @param text the raw text
	 * @return the quoted literal
	 */
	public static String literal(String text) {
		requireNoNul(text);
		return '\'' + text.replace("'", "''") + '\'';
	}

	private static void requireNoNul(String text) {
		if (text.indexOf('\0') >= 0) {
			throw new IllegalArgumentException("An SQL identifier or literal cannot contain a NUL character");
		}
	}

}
