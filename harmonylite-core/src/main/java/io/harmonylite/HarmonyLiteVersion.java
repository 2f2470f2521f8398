package io.harmonylite;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of HarmonyLite in use, as recorded at build time.
 *
 * @since 0.1.0
 */
public final class HarmonyLiteVersion {

	private static final String VERSION = load();

	private HarmonyLiteVersion() {
	}

	/**
	 * The version, e.g. {@code v0.1.0}.
	 * @return the version with a leading {@code v}
	 */
	public static String current() {
		return VERSION;
	}

	private static String load() {
		try (InputStream in = HarmonyLiteVersion.class.getResourceAsStream("/META-INF/harmonylite/version.properties")) {
			if (in == null) {
				return "v0.0.0-unknown";
			}
			Properties properties = new Properties();
			properties.load(in);
			return "v" + properties.getProperty("version", "0.0.0-unknown");
		}
		catch (IOException ex) {
			return "v0.0.0-unknown";
		}
	}

}
