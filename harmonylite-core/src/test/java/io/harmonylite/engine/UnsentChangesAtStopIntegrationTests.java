package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;

import ch.qos.logback.classic.Level;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.testsupport.CapturedLogs;
import io.harmonylite.testsupport.NatsTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node stopped while NATS is down tells how many of its changes were not sent: they stay in the change log, and
 * the next start sends them.
 */
class UnsentChangesAtStopIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@RegisterExtension
	final CapturedLogs logs = CapturedLogs.of(NodeAssembly.class);

	@Test
	void nodeStoppedWithChangesNatsNeverAcknowledgedShouldSayHowManyStayForTheNextStart() {
		TestDatabase db = new TestDatabase(this.dir.resolve("node.db"));
		db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)");
		try (NatsTestServer server = NatsTestServer.start()) {
			HarmonyLiteEngine engine = start(db, server.url());
			try {
				db.execute("INSERT INTO items VALUES (1)");
				await().atMost(TIMEOUT).until(() -> engine.status().pendingChanges() == 0);
				server.stop();
				db.execute("INSERT INTO items VALUES (2)", "INSERT INTO items VALUES (3)", "DELETE FROM items WHERE id = 1");
				await().atMost(TIMEOUT).until(() -> engine.status().pendingChanges() == 3);
			}
			finally {
				engine.close();
			}
			assertThat(this.logs.messages(Level.WARN)).contains("Node 1: 3 local change(s) not acknowledged by "
					+ "JetStream stay in the change log; they are sent when the node starts again");

			server.restart();
			HarmonyLiteEngine restarted = start(db, server.url());
			try {
				await().atMost(TIMEOUT).until(() -> restarted.status().pendingChanges() == 0);
				this.logs.clear();
			}
			finally {
				restarted.close();
			}
			assertThat(this.logs.messages(Level.WARN)).as("nothing unsent")
				.noneMatch((message) -> message.contains("not acknowledged"));
		}
	}

	private static HarmonyLiteEngine start(TestDatabase db, String url) {
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(HarmonyLiteConfig.builder()
			.nodeId(1)
			.dbPath(db.path())
			.pollingInterval(Duration.ofMillis(20))
			.nats(NatsConfig.external(url))
			.build()).build();
		engine.start();
		return engine;
	}

}
