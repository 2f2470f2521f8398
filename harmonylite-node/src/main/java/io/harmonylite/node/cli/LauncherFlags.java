package io.harmonylite.node.cli;

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

	private LauncherFlags() {
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
