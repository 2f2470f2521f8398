package io.harmonylite;

/**
 * Thrown when a configuration value is invalid; the message names the property (a {@code harmonylite.*} one, or the
 * {@code spring.datasource.url} a node's database comes from) and the fix.
 *
 * @since 0.1.0
 */
public class ConfigException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	private final String property;

	public ConfigException(String property, String message) {
		super("Invalid configuration property '" + property + "': " + message);
		this.property = property;
	}

	public ConfigException(String property, String message, Throwable cause) {
		super("Invalid configuration property '" + property + "': " + message, cause);
		this.property = property;
	}

	/**
	 * The offending property.
	 * @return the full property name, e.g. {@code harmonylite.node-id}
	 */
	public String property() {
		return this.property;
	}

}
