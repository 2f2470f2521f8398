package io.harmonylite.nats;

import java.io.IOException;
import java.lang.reflect.Proxy;

import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replica check before publishing, with a JetStream that does not answer.
 */
class StreamReplicaGuardTests {

	@Test
	void settingsThatCannotBeReadShouldHoldTheChangesWithoutBeingReportedAsADurabilityProblem() {
		JetStreamManagement silent = (JetStreamManagement) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { JetStreamManagement.class }, (proxy, method, args) -> {
					throw new IOException("Timeout or no response waiting for NATS JetStream server");
				});
		StreamReplicaGuard guard = new StreamReplicaGuard(silent, 3);
		assertThat(guard.problem("harmonylite-changes-0")).contains("could not read the settings",
				"Timeout or no response");
		assertThat(guard.problems()).isEmpty();
	}

}
