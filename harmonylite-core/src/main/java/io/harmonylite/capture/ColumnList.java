package io.harmonylite.capture;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a list of column names as a JSON array of strings, so that names holding any character (quotes, commas,
 * brackets, newlines) are stored unambiguously and stay readable for an operator.
 */
final class ColumnList {

	private ColumnList() {
	}

	static String encode(List<String> names) {
		StringBuilder json = new StringBuilder(names.size() * 12 + 2).append('[');
		for (int i = 0; i < names.size(); i++) {
			if (i > 0) {
				json.append(',');
			}
			appendString(json, names.get(i));
		}
		return json.append(']').toString();
	}

	private static void appendString(StringBuilder json, String text) {
		json.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

	static List<String> decode(String json) {
		Parser parser = new Parser(json);
		List<String> names = parser.array();
		parser.end();
		return names;
	}

	private static final class Parser {

		private final String text;

		private int position;

		Parser(String text) {
			this.text = text;
		}

		List<String> array() {
			skipWhitespace();
			expect('[');
			List<String> names = new ArrayList<>();
			skipWhitespace();
			if (peek() == ']') {
				this.position++;
				return names;
			}
			while (true) {
				skipWhitespace();
				names.add(string());
				skipWhitespace();
				char c = next();
				if (c == ']') {
					return names;
				}
				if (c != ',') {
					throw malformed("expected ',' or ']'");
				}
			}
		}

		void end() {
			skipWhitespace();
			if (this.position != this.text.length()) {
				throw malformed("unexpected text after the array");
			}
		}

		private String string() {
			expect('"');
			StringBuilder value = new StringBuilder();
			while (true) {
				char c = next();
				if (c == '"') {
					return value.toString();
				}
				if (c != '\\') {
					value.append(c);
					continue;
				}
				char escaped = next();
				switch (escaped) {
					case '"', '\\', '/' -> value.append(escaped);
					case 'b' -> value.append('\b');
					case 'f' -> value.append('\f');
					case 'n' -> value.append('\n');
					case 'r' -> value.append('\r');
					case 't' -> value.append('\t');
					case 'u' -> {
						if (this.position + 4 > this.text.length()) {
							throw malformed("truncated \\u escape");
						}
						try {
							value.append((char) Integer.parseInt(this.text.substring(this.position, this.position + 4), 16));
						}
						catch (NumberFormatException ex) {
							throw malformed("invalid \\u escape");
						}
						this.position += 4;
					}
					default -> throw malformed("invalid escape '\\" + escaped + "'");
				}
			}
		}

		private void skipWhitespace() {
			while (this.position < this.text.length() && Character.isWhitespace(this.text.charAt(this.position))) {
				this.position++;
			}
		}

		private char peek() {
			if (this.position >= this.text.length()) {
				throw malformed("unexpected end");
			}
			return this.text.charAt(this.position);
		}

		private char next() {
			char c = peek();
			this.position++;
			return c;
		}

		private void expect(char expected) {
			if (next() != expected) {
				throw malformed("expected '" + expected + "'");
			}
		}

		private IllegalArgumentException malformed(String problem) {
			return new IllegalArgumentException(
					"Malformed column list at offset " + this.position + ": " + problem + " in " + this.text);
		}

	}

}
