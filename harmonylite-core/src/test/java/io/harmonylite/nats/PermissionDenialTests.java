package io.harmonylite.nats;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which server errors are a subject refused to the node's user.
 */
class PermissionDenialTests {

	private static final Instant AT = Instant.parse("2026-12-02T00:00:00Z");

	@Test
	void permissionsViolationShouldNameTheOperationAndTheSubject() {
		assertThat(PermissionDenial.of("Permissions Violation for Publish to \"harmonylite-change-log-2\"", AT))
			.isEqualTo(new PermissionDenial("Publish", "harmonylite-change-log-2", AT));
		assertThat(PermissionDenial.of("Permissions Violation for Subscription to \"_INBOX.abc.*\"", AT))
			.isEqualTo(new PermissionDenial("Subscription", "_INBOX.abc.*", AT));
	}

	@Test
	void otherErrorsAndTheSystemAccountsSubjectsShouldNotCount() {
		assertThat(PermissionDenial.of("Authorization Violation", AT)).isNull();
		// The durability check asks the system account, and goes without its answer when refused.
		assertThat(PermissionDenial.of("Permissions Violation for Publish to \"$SYS.REQ.SERVER.PING.VARZ\"", AT))
			.isNull();
	}

}
