package io.harmonylite;

/**
 * Base of every unchecked exception thrown by HarmonyLite; wraps SQL, IO and JetStream failures with context.
 *
 * @since 0.1.0
 */
public class HarmonyLiteException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public HarmonyLiteException(String message) {
		super(message);
	}

	public HarmonyLiteException(String message, Throwable cause) {
		super(message, cause);
	}

}
