package io.harmonylite.nats;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link NodePresence} on a real nats-server: nodes with one id find each other, whoever asks first, and nobody else.
 */
class NodePresenceTests {

	private static final Duration ANSWER = Duration.ofSeconds(2);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	private final List<Connection> connections = new CopyOnWriteArrayList<>();

	private final List<NodePresence> presences = new CopyOnWriteArrayList<>();

	private NodePresence.Identity first;

	private NodePresence.Identity second;

	@BeforeEach
	void identities() {
		this.first = new NodePresence.Identity("first", "1@host", "/data/one.db", Instant.parse("2026-12-01T00:00:00Z"));
		this.second = NodePresence.Identity.ofThisProcess(Path.of("two.db"), Instant.now());
	}

	@AfterEach
	void close() throws InterruptedException {
		this.presences.forEach(NodePresence::close);
		for (Connection connection : this.connections) {
			connection.close();
		}
	}

	@Test
	void nodeAskingForAnIdNobodyAnswersForShouldFindNoneAtOnce() {
		NodePresence alone = presence(7, this.first);
		long started = System.nanoTime();

		assertThat(alone.ask(ANSWER)).isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no responders is answered by the server")
			.isLessThan(ANSWER);
	}

	@Test
	void startingNodeShouldFindTheRunningNodeWithItsIdAndTheRunningNodeShouldHearOfIt() {
		NodePresence running = presence(7, this.first);
		List<NodePresence.Identity> askers = new CopyOnWriteArrayList<>();
		running.answer(askers::add);
		NodePresence otherId = presence(8, this.second);
		NodePresence starting = presence(7, this.second);

		assertThat(otherId.ask(ANSWER)).as("another id").isEmpty();
		assertThat(starting.ask(ANSWER)).contains(this.first);
		assertThat(askers).containsExactly(this.second);
		assertThat(running.ask(Duration.ofMillis(300))).as("a node does not answer itself").isEmpty();
	}

	@Test
	void runningNodesWithOneIdShouldFindEachOtherWhenTheyAskAgain() {
		NodePresence one = presence(7, this.first);
		NodePresence two = presence(7, this.second);
		one.answer((asker) -> {
		});
		two.answer((asker) -> {
		});
		List<NodePresence.Identity> foundByOne = new CopyOnWriteArrayList<>();
		List<NodePresence.Identity> foundByTwo = new CopyOnWriteArrayList<>();

		one.askInBackground(ANSWER, foundByOne::add);
		two.askInBackground(ANSWER, foundByTwo::add);

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(foundByOne).containsExactly(this.second);
			assertThat(foundByTwo).containsExactly(this.first);
		});
	}

	@Test
	void requestWithoutAnIdentityShouldGetNoAnswer() throws Exception {
		NodePresence running = presence(7, this.first);
		List<NodePresence.Identity> askers = new CopyOnWriteArrayList<>();
		running.answer(askers::add);
		Connection stranger = connect();

		assertThat(stranger.request("harmonylite-test-node.7", "who?".getBytes(), Duration.ofMillis(500))).isNull();
		assertThat(askers).isEmpty();
	}

	private NodePresence presence(long nodeId, NodePresence.Identity self) {
		NodePresence presence = new NodePresence(connect(), "harmonylite-test", nodeId, self);
		this.presences.add(presence);
		return presence;
	}

	private Connection connect() {
		try {
			Connection connection = Nats.connect(nats.url());
			this.connections.add(connection);
			return connection;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
