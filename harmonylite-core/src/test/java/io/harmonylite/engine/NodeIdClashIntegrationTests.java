package io.harmonylite.engine;

import java.time.Duration;
import java.util.List;

import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes started with one id (a copied configuration): each tells, from the other's changes, that another node
 * runs with its id.
 */
class NodeIdClashIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "clash");

	@Test
	void nodeShouldReportAnotherNodeRunningWithItsId() {
		List<TestDatabase> dbs = this.nodes.databases(3, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		HarmonyLiteEngine first = this.nodes.start(2, dbs.get(0));
		HarmonyLiteEngine other = this.nodes.start(1, dbs.get(1));
		dbs.get(0).execute("INSERT INTO Books VALUES (1, 'Dune')");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("Books") == 1);
		assertThat(first.status().problems()).as("its own changes coming back are no clash").isEmpty();

		HarmonyLiteEngine copy = this.nodes.start(2, dbs.get(2));
		dbs.get(2).execute("INSERT INTO Books VALUES (2, 'Emma')");

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(first.status().problems()).singleElement()
			.satisfies((problem) -> {
				assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DUPLICATE_NODE_ID);
				assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
				assertThat(problem.reason()).contains("harmonylite.node-id=2");
			}));
		assertThat(other.status().problems()).isEmpty();
		// The copy started after the first node's change: it learns of the clash from the first node's next one.
		dbs.get(0).execute("INSERT INTO Books VALUES (3, 'Ulysses')");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(copy.status().problems())
			.anySatisfy((problem) -> assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DUPLICATE_NODE_ID)));
	}

}
