package io.harmonylite.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The end of a process's log file, for failure messages.
 */
final class LogTail {

	private LogTail() {
	}

	/**
	 * Reads the last lines of a log.
	 * @param log the log file
	 * @param lines how many lines at most
	 * @return those lines, or why there are none
	 */
	static String of(Path log, int lines) {
		try {
			List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

}
