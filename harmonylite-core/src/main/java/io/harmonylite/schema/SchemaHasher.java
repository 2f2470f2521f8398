package io.harmonylite.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Computes the deterministic schema hash every node compares before applying a replicated change.
 * <p>
 * The hash is the lowercase hexadecimal SHA-256 of the UTF-8 bytes of a canonical text (see
 * {@link #canonicalForm(List)}): one {@code table:<name>} line per table, followed by one
 * {@code column:<name>|<type>|<notnull>|<pk>} line per column, each line ending with a line feed. Tables and columns
 * are sorted by their canonical names (Unicode code point order); names are ASCII lower-cased (SQLite compares
 * identifiers case-insensitively for ASCII letters only); declared types are ASCII upper-cased with whitespace
 * normalized; {@code notnull} is {@code 0} or {@code 1}; {@code pk} is the column's 1-based position in the primary
 * key, {@code 0} when not part of it. Position counts because changes are routed to shards by the key values in key
 * order, so nodes that disagree on the key order would not keep one row's changes in order. Names and types escape
 * {@code \} as {@code \\}, {@code |} as {@code \|}, line feed as {@code \n} and carriage return as {@code \r}. Tables
 * whose name starts with {@value SchemaReader#INTERNAL_PREFIX} (in any letter case) never count. The full algorithm
 * and test vectors are in {@code docs/schema-versioning.md}.
 *
 * @since 0.1.0
 */
public final class SchemaHasher {

	/** How many leading characters of a hash logs and status texts show. */
	public static final int SHORT_LENGTH = 8;

	private static final Comparator<String> CODE_POINT_ORDER = SchemaHasher::compareCodePoints;

	private SchemaHasher() {
	}

	/**
	 * Hashes the given tables' schemas.
	 * @param tables the watched tables, in any order
	 * @return the lowercase hexadecimal SHA-256 of {@link #canonicalForm(List)}
	 * @throws IllegalArgumentException if two tables, or two columns of one table, have names that differ only in
	 * ASCII letter case
	 */
	public static String hash(List<TableSchema> tables) {
		return sha256(canonicalForm(tables));
	}

	/**
	 * The exact text that {@link #hash(List)} digests, for documentation, debugging and other implementations.
	 * @param tables the watched tables, in any order
	 * @return the canonical text, empty when no table counts
	 * @throws IllegalArgumentException if two tables, or two columns of one table, have names that differ only in
	 * ASCII letter case
	 */
	public static String canonicalForm(List<TableSchema> tables) {
		List<TableSchema> counted = new ArrayList<>();
		Set<String> tableNames = new HashSet<>();
		for (TableSchema table : tables) {
			String name = canonicalName(table.name());
			if (name.startsWith(SchemaReader.INTERNAL_PREFIX)) {
				continue;
			}
			if (!tableNames.add(name)) {
				throw new IllegalArgumentException("Table '" + table.name()
						+ "' is listed twice (names are compared ignoring letter case); hash each table once");
			}
			counted.add(table);
		}
		counted.sort(Comparator.comparing((TableSchema table) -> canonicalName(table.name()), CODE_POINT_ORDER));
		StringBuilder text = new StringBuilder();
		for (TableSchema table : counted) {
			text.append("table:").append(escape(canonicalName(table.name()))).append('\n');
			List<ColumnSchema> columns = new ArrayList<>(table.columns());
			columns.sort(Comparator.comparing((ColumnSchema column) -> canonicalName(column.name()), CODE_POINT_ORDER));
			@Nullable String previous = null;
			for (ColumnSchema column : columns) {
				String name = canonicalName(column.name());
				if (name.equals(previous)) {
					throw new IllegalArgumentException("Table '" + table.name() + "' lists column '" + column.name()
							+ "' twice (names are compared ignoring letter case)");
				}
				previous = name;
				text.append("column:")
					.append(escape(name))
					.append('|')
					.append(escape(normalizeType(column.declaredType())))
					.append('|')
					.append(column.notNull() ? '1' : '0')
					.append('|')
					.append(Math.max(column.primaryKeyIndex(), 0))
					.append('\n');
			}
		}
		return text.toString();
	}

	/**
	 * Normalizes a declared column type so that spellings SQLite treats alike compare equal: ASCII letters
	 * upper-cased, every run of whitespace (space, tab, line feed, vertical tab, form feed, carriage return) reduced
	 * to one space, whitespace next to {@code (}, {@code )} or {@code ,} removed, and the result trimmed.
	 * @param declaredType the type as declared, possibly empty
	 * @return the normalized type, e.g. {@code VARCHAR(20)} for {@code varchar( 20 )}
	 */
	public static String normalizeType(String declaredType) {
		StringBuilder normalized = new StringBuilder(declaredType.length());
		boolean pendingSpace = false;
		for (int i = 0; i < declaredType.length(); i++) {
			char c = declaredType.charAt(i);
			if (isWhitespace(c)) {
				pendingSpace = true;
				continue;
			}
			if (pendingSpace && !normalized.isEmpty() && !isPunctuation(normalized.charAt(normalized.length() - 1))
					&& !isPunctuation(c)) {
				normalized.append(' ');
			}
			pendingSpace = false;
			normalized.append((c >= 'a' && c <= 'z') ? (char) (c - ('a' - 'A')) : c);
		}
		return normalized.toString();
	}

	/**
	 * The canonical spelling of a table or column name: ASCII letters lower-cased, everything else unchanged.
	 * @param name the name as declared
	 * @return the canonical name
	 */
	public static String canonicalName(String name) {
		StringBuilder canonical = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			canonical.append((c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c);
		}
		return canonical.toString();
	}

	/**
	 * The first {@value #SHORT_LENGTH} characters of a hash, as logs and status texts show it.
	 * @param hash a hash, possibly shorter or empty
	 * @return the prefix, the whole hash when it is shorter, or {@code (none)} when it is empty
	 */
	public static String shortHash(String hash) {
		if (hash.isEmpty()) {
			return "(none)";
		}
		return (hash.length() <= SHORT_LENGTH) ? hash : hash.substring(0, SHORT_LENGTH);
	}

	static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '\\' -> escaped.append("\\\\");
				case '|' -> escaped.append("\\|");
				case '\n' -> escaped.append("\\n");
				case '\r' -> escaped.append("\\r");
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static boolean isWhitespace(char c) {
		return c == ' ' || (c >= '\t' && c <= '\r');
	}

	private static boolean isPunctuation(char c) {
		return c == '(' || c == ')' || c == ',';
	}

	private static int compareCodePoints(String left, String right) {
		// Code point order equals UTF-8 byte order; String.compareTo (UTF-16 units) differs for supplementary
		// characters, which another implementation would sort differently.
		return Arrays.compare(left.codePoints().toArray(), right.codePoints().toArray());
	}

	private static String sha256(String text) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime provides SHA-256", ex);
		}
	}

}
