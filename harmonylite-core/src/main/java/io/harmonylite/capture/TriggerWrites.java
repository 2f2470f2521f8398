package io.harmonylite.capture;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables a user's trigger writes to, read from its {@code CREATE TRIGGER} text: the targets of the
 * {@code INSERT}, {@code REPLACE}, {@code UPDATE} and {@code DELETE} statements of its body. String literals and
 * comments are left out, so a {@code RAISE(ABORT, 'cannot update')} or the {@code replace()} function is no write.
 */
final class TriggerWrites {

	private static final String IDENTIFIER = "(\"(?:[^\"]|\"\")+\"|\\[[^\\]]+\\]|`(?:[^`]|``)+`|[\\p{L}\\p{N}_$]+)";

	private static final Pattern TARGET = Pattern.compile("(?i)\\b(?:INSERT\\s+(?:OR\\s+\\w+\\s+)?INTO|REPLACE\\s+INTO"
			+ "|UPDATE\\s+(?:OR\\s+\\w+\\s+)?|DELETE\\s+FROM)\\s*" + IDENTIFIER);

	/** A literal or a comment, or a quoted identifier (kept, but never searched for keywords). */
	private static final Pattern LITERAL_OR_COMMENT = Pattern
		.compile("'(?:[^']|'')*'|--[^\\n]*|/\\*.*?(?:\\*/|$)|\"(?:[^\"]|\"\")*\"|\\[[^\\]]*\\]|`(?:[^`]|``)*`", Pattern.DOTALL);

	private static final Pattern BEGIN = Pattern.compile("(?i)\\bBEGIN\\b");

	private TriggerWrites() {
	}

	/**
	 * The tables the trigger's statements write to.
	 * @param createTrigger the trigger's {@code CREATE TRIGGER} statement, as {@code sqlite_schema} holds it
	 * @return the table names, unquoted, in the order written
	 */
	static Set<String> tables(String createTrigger) {
		String text = withoutLiteralsAndComments(createTrigger);
		Matcher begin = BEGIN.matcher(masked(text));
		Set<String> tables = new LinkedHashSet<>();
		if (!begin.find()) {
			return tables;
		}
		String body = text.substring(begin.end());
		Matcher target = TARGET.matcher(masked(body));
		while (target.find()) {
			String name = body.substring(target.start(1), target.end(1));
			if (!name.equalsIgnoreCase("SET")) {
				tables.add(unquoted(name));
			}
		}
		return tables;
	}

	/** Literals become {@code ''} and comments a space; quoted identifiers are kept. */
	private static String withoutLiteralsAndComments(String sql) {
		Matcher matcher = LITERAL_OR_COMMENT.matcher(sql);
		StringBuilder text = new StringBuilder();
		while (matcher.find()) {
			String found = matcher.group();
			String replacement = found.startsWith("'") ? "''" : (found.startsWith("-") || found.startsWith("/")) ? " "
					: found;
			matcher.appendReplacement(text, Matcher.quoteReplacement(replacement));
		}
		matcher.appendTail(text);
		return text.toString();
	}

	/** The text with each quoted identifier's inside blanked, same length, so that keywords are found outside only. */
	private static String masked(String text) {
		Matcher matcher = LITERAL_OR_COMMENT.matcher(text);
		StringBuilder masked = new StringBuilder(text);
		while (matcher.find()) {
			for (int i = matcher.start() + 1; i < matcher.end() - 1; i++) {
				masked.setCharAt(i, 'x');
			}
		}
		return masked.toString();
	}

	private static String unquoted(String name) {
		char first = name.charAt(0);
		if (first == '"') {
			return name.substring(1, name.length() - 1).replace("\"\"", "\"");
		}
		if (first == '`') {
			return name.substring(1, name.length() - 1).replace("``", "`");
		}
		if (first == '[') {
			return name.substring(1, name.length() - 1);
		}
		return name;
	}

}
