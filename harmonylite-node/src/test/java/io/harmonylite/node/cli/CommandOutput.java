package io.harmonylite.node.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

/**
 * Runs one-shot commands as the jar does and keeps what the last one printed, for the command tests.
 */
final class CommandOutput {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	/**
	 * Runs a command, forgetting what the previous one printed.
	 * @param args the command line
	 * @return the exit code, empty when the arguments name no command
	 */
	OptionalInt run(String... args) {
		this.out.reset();
		this.err.reset();
		return NodeCommands.run(args, new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	String stdout() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	String stderr() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

	/**
	 * A row of a change.
	 * @param columnsAndValues column, value, column, value…
	 * @return the row in that order
	 */
	static Map<String, @Nullable Object> row(@Nullable Object... columnsAndValues) {
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		for (int i = 0; i < columnsAndValues.length; i += 2) {
			row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
		}
		return row;
	}

}
