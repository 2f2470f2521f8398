package io.harmonylite.nats;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link NodePresence} on a real nats-server: a node id is held by one running node at a time; another node finds
 * it at startup or, when both run, at the next renewal; a node's own previous run is no obstacle.
 */
class NodePresenceTests {

	private static final Instant SINCE = Instant.parse("2026-12-01T00:00:00Z");

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	private final List<Connection> connections = new CopyOnWriteArrayList<>();

	private final List<NodePresence> presences = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws InterruptedException {
		this.presences.forEach(NodePresence::close);
		for (Connection connection : this.connections) {
			connection.close();
		}
	}

	@Test
	void nodeStartingWithTheIdOfARunningNodeShouldFindIt() {
		NodePresence.Identity running = identity("a", "host-1", "/data/one.db");
		assertThat(presence("held", 7, running).claim()).isEmpty();

		assertThat(presence("held", 7, identity("b", "host-1", "/data/two.db")).claim()).contains(running);
		assertThat(presence("held", 7, identity("c", "host-2", "/data/one.db")).claim()).as("another host")
			.contains(running);
		assertThat(presence("held", 8, identity("d", "host-1", "/data/two.db")).claim()).as("another id").isEmpty();
		assertThat(presence("other-cluster", 7, identity("e", "host-1", "/data/two.db")).claim())
			.as("another cluster's streams").isEmpty();
	}

	@Test
	void restartOfTheSameNodeShouldTakeItsKeyOverAtOnce() {
		NodePresence killed = presence("restart", 7, identity("a", "host-1", "/data/one.db"));
		killed.claim();
		// Killed: it never deletes its key, which stays until the bucket's TTL.

		NodePresence restarted = presence("restart", 7, identity("b", "host-1", "/data/one.db"));
		assertThat(restarted.claim()).isEmpty();
		assertThat(restarted.renew()).as("it holds the key now").isEmpty();
		assertThat(killed.renew()).as("the killed run's revision is gone")
			.hasValueSatisfying((other) -> assertThat(other.instance()).isEqualTo("b"));
	}

	@Test
	void stoppedNodeShouldFreeItsIdAtOnce() {
		NodePresence stopped = presence("stop", 7, identity("a", "host-1", "/data/one.db"));
		stopped.claim();
		stopped.close();

		assertThat(presence("stop", 7, identity("b", "host-2", "/data/two.db")).claim()).isEmpty();
	}

	@Test
	void runningNodesWithOneIdShouldEachFindTheOtherAtTheirNextRenewals() {
		NodePresence.Identity first = identity("a", "host-1", "/data/one.db");
		NodePresence.Identity second = identity("b", "host-2", "/data/two.db");
		NodePresence one = presence("both", 7, first);
		NodePresence two = presence("both", 7, second);
		one.claim();
		// The second started where it could not read the key (e.g. JetStream away): it writes it at its renewal.
		assertThat(two.renew()).contains(first);

		assertThat(one.renew()).contains(second);
		assertThat(two.renew()).contains(first);
	}

	@Test
	void nodeShouldSeeTheOtherNodesOfItsClusterWithTheirSettings() {
		NodePresence.Identity two = new NodePresence.Identity("b", "host-2", 42, "/data/two.db", SINCE, 4,
				"other-subjects");
		NodePresence one = presence("cluster", 1, identity("a", "host-1", "/data/one.db"));
		one.claim();
		presence("cluster", 2, two).claim();
		presence("cluster-b", 3, identity("c", "host-3", "/data/three.db")).claim();

		assertThat(one.others()).hasValueSatisfying((others) -> assertThat(others).containsExactly(Map.entry(2L, two)));
	}

	@Test
	void renewalShouldTellHowFarThisNodesClockIsAheadOfTheServers() {
		Clock twoDaysAhead = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
		NodePresence ahead = new NodePresence(connect(), "clock", 7, identity("a", "host-1", "/data/one.db"), 1,
				twoDaysAhead);
		this.presences.add(ahead);
		NodePresence right = presence("clock", 8, identity("b", "host-1", "/data/two.db"));
		ahead.claim();
		right.claim();
		assertThat(ahead.aheadOfServers()).as("not measured before a renewal").isEmpty();

		assertThat(ahead.renew()).isEmpty();
		assertThat(right.renew()).isEmpty();

		assertThat(ahead.aheadOfServers()).hasValueSatisfying((offset) -> assertThat(offset)
			.isBetween(Duration.ofDays(2).minusMinutes(1), Duration.ofDays(2).plusMinutes(1)));
		assertThat(right.aheadOfServers()).hasValueSatisfying((offset) -> assertThat(offset)
			.isBetween(Duration.ofMinutes(-1), Duration.ofMinutes(1)));
	}

	@Test
	void keyHoldingSomethingElseShouldBeTakenNotTrusted() throws Exception {
		Connection connection = connect();
		presence("garbage", 7, identity("x", "host-9", "/data/x.db")).claim();
		connection.keyValue(NodePresence.BUCKET).put("garbage.node.8", "not=an identity".getBytes(StandardCharsets.UTF_8));

		assertThat(presence("garbage", 8, identity("a", "host-1", "/data/one.db")).claim()).isEmpty();
	}

	private static NodePresence.Identity identity(String instance, String host, String database) {
		return new NodePresence.Identity(instance, host, 42, database, SINCE, 1, "subjects");
	}

	@Test
	void otherNodesReadAtStartupShouldBeWaitedForWhileJetStreamDoesNotAnswer() throws Exception {
		NodePresence.Identity running = identity("a", "host-1", "/data/one.db");
		presence("startup", 7, running).claim();
		NodePresence starting = presence("startup", 8, identity("b", "host-2", "/data/two.db"));
		starting.claim();
		nats.server().stop();
		assertThat(starting.others()).as("one attempt tells nothing while the server is down").isEmpty();

		CompletableFuture<Optional<Map<Long, NodePresence.Identity>>> others = CompletableFuture
			.supplyAsync(starting::othersAtStartup);
		nats.server().restart();

		// A node started then compares its settings with the running node's, rather than with nobody's.
		assertThat(others.get(30, TimeUnit.SECONDS)).hasValueSatisfying((found) -> assertThat(found)
			.containsOnlyKeys(7L)
			.hasEntrySatisfying(7L, (other) -> assertThat(other.instance()).isEqualTo("a")));
	}

	@Test
	void writesShouldNeverAskTheServersToCheckTheKeysLastRevision() throws Exception {
		// nats-server 2.10 checks an expected last subject sequence on every replica, and a replica caught up from a
		// snapshot of this expiring bucket can reject what its leader took, and stay behind for good.
		List<Message> written = new CopyOnWriteArrayList<>();
		Connection watcher = connect();
		watcher.createDispatcher(written::add).subscribe("$KV." + NodePresence.BUCKET + ".checks.>");
		watcher.flush(Duration.ofSeconds(5));
		NodePresence killed = presence("checks", 7, identity("a", "host-1", "/data/one.db"));
		killed.claim();
		killed.renew();
		NodePresence restarted = presence("checks", 7, identity("b", "host-1", "/data/one.db"));
		restarted.claim();
		killed.renew();
		restarted.renew();
		restarted.close();

		await().atMost(Duration.ofSeconds(10)).until(() -> written.size() >= 6);
		assertThat(written).allSatisfy((message) -> assertThat(message.getHeaders() == null
				|| message.getHeaders().get("Nats-Expected-Last-Subject-Sequence") == null)
			.as("%s carries no expected revision", message.getSubject())
			.isTrue());
	}

	private NodePresence presence(String scope, long nodeId, NodePresence.Identity self) {
		NodePresence presence = new NodePresence(connect(), scope, nodeId, self, 1);
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
