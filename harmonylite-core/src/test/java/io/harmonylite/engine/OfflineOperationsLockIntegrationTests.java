package io.harmonylite.engine;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The operations on a stopped node's files (snapshots, dead letters) are refused while a node runs on the database,
 * even from another engine: the running node holds its positions in memory and would not see what they change.
 */
class OfflineOperationsLockIntegrationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "offline-lock");

	@Test
	void offlineOperationsShouldBeRefusedWhileANodeRunsOnTheDatabaseAndAllowedOnceItStopped() {
		TestDatabase db = this.nodes.database(1, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
		HarmonyLiteEngine running = this.nodes.start(1, db);
		try (HarmonyLiteEngine offline = HarmonyLiteEngine.builder(this.nodes.config(1, db)).build()) {
			assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(() -> offline.snapshots().list())
				.withMessageContaining("Node 1 is running on")
				.withMessageContaining("use its /actuator/harmonylitesnapshots endpoint");
			assertThatExceptionOfType(HarmonyLiteException.class)
				.isThrownBy(() -> offline.deadLetters().list(DeadLetterFilter.ALL))
				.withMessageContaining("Node 1 is running on")
				.withMessageContaining("use its /actuator/harmonylite/dead-letters endpoint");

			running.close();

			assertThat(offline.deadLetters().list(DeadLetterFilter.ALL)).isEmpty();
			assertThat(offline.snapshots().list()).isNotNull();
		}
	}

}
