package io.harmonylite.node.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The original tool's value flags that only the {@code ./harmonylite} launcher translates into Spring properties. Given
 * to the jar itself ({@code java -jar harmonylite.jar --config node.yml}), Spring would ignore them without a word and
 * the node would start without its settings; they are refused instead, naming what the jar takes.
 */
final class LauncherFlags {

	private static final Map<String, String> TRANSLATIONS = Map.of("config",
			"--spring.config.additional-location=file:/absolute/path/node.yml", "node-id", "--harmonylite.node-id=N",
			"db-path", "--harmonylite.db-path=FILE", "cluster-addr", "--harmonylite.nats.embedded.cluster-addr=HOST:PORT",
			"cluster-peers", "--harmonylite.nats.embedded.cluster-peers=URLS");

	/** The single-valued properties the launcher's flags set, which Spring would join with a comma if given twice. */
	private static final List<String> SINGLE_VALUED = List.of("harmonylite.node-id", "harmonylite.db-path",
			"harmonylite.nats.embedded.cluster-addr");

	private LauncherFlags() {
	}

	/**
	 * Refuses a property that a launcher flag sets given twice ({@code --db-path a --harmonylite.db-path=b}), which
	 * Spring would read as {@code a,b}.
	 * @param args the jar's command-line arguments
	 * @throws IllegalArgumentException naming the property and both values
	 */
	static void refuseRepeated(String[] args) {
		Map<String, String> seen = new HashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				continue;
			}
			String property = arg.substring(2, equals);
			String value = arg.substring(equals + 1);
			String earlier = SINGLE_VALUED.contains(property) ? seen.putIfAbsent(property, value) : null;
			if (earlier != null && !earlier.equals(value)) {
				throw new IllegalArgumentException(property + " is given twice, as " + earlier + " and as " + value
						+ " (a flag of the launcher and the property, or a flag repeated): give it once");
			}
		}
	}

	/**
	 * Refuses the launcher's value flags.
	 * @param args the jar's command-line arguments
	 * @throws IllegalArgumentException naming the flag, the launcher, and the property the jar takes instead
	 */
	static void refuse(String[] args) {
		for (String arg : args) {
			if (!arg.startsWith("-")) {
				continue;
			}
			String name = arg.replaceFirst("^--?", "");
			int equals = name.indexOf('=');
			String flag = ((equals >= 0) ? name.substring(0, equals) : name).toLowerCase(Locale.ROOT);
			String translation = TRANSLATIONS.get(flag);
			if (translation != null) {
				throw new IllegalArgumentException("--" + flag + " is a flag of the ./harmonylite launcher, which "
						+ "translates it; run the node with ./harmonylite, or give the jar " + translation + " instead");
			}
		}
	}

}
