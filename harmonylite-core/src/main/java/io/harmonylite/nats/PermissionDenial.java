package io.harmonylite.nats;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A subject the NATS server refused this node's user, as its {@code Permissions Violation} error names it.
 *
 * @param operation {@code Publish} or {@code Subscription}
 * @param subject the refused subject
 * @param at when the server said so
 * @since 0.1.0
 */
public record PermissionDenial(String operation, String subject, Instant at) {

	private static final Pattern VIOLATION = Pattern
		.compile("Permissions Violation for (Publish|Subscription) to \"?([^\"\s]+)\"?", Pattern.CASE_INSENSITIVE);

	/**
	 * Reads a server error.
	 * @param error the error as the server sent it
	 * @param at when it arrived
	 * @return the denial, {@code null} for another error or for the system account's subjects (the durability check
	 * asks them and goes without when refused)
	 */
	static @Nullable PermissionDenial of(String error, Instant at) {
		Matcher matcher = VIOLATION.matcher(error);
		if (!matcher.find() || matcher.group(2).startsWith("$SYS.")) {
			return null;
		}
		return new PermissionDenial(matcher.group(1), matcher.group(2), at);
	}

}
