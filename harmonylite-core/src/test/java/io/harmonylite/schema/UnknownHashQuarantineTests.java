package io.harmonylite.schema;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hash that some node reports, now or before, keeps its shard waiting; a hash no node ever reported is quarantined
 * once it stayed unknown for the delay.
 */
class UnknownHashQuarantineTests {

	private static final String UNKNOWN = "f".repeat(64);

	private static final String OWN = "aaaa";

	private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry(Duration.ofMillis(100),
			Clock.systemUTC());

	@Test
	void hashNoNodeEverReportedShouldBeQuarantinedOnlyAfterTheDelay() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(300), Clock.systemUTC());
		this.registry.publish(state(1, "aaaa"));
		quarantine.refresh(this.registry);
		UnknownHashQuarantine.Verdict first = quarantine.judge(UNKNOWN, OWN);
		assertThat(first.quarantine()).isFalse();
		assertThat(first.judgeAgainIn()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
		// Read before the hash was first seen: the registry may not have the report of a node that just changed.
		assertThat(first.reason()).contains("was not in the schema registry when this node last read it")
			.doesNotContain("ever reported");
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge(UNKNOWN, OWN).reason())
			.contains("no node in the schema registry has ever reported schema hash");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			quarantine.refresh(this.registry);
			assertThat(quarantine.judge(UNKNOWN, OWN).quarantine()).isTrue();
		});
		assertThat(quarantine.judge(UNKNOWN, OWN).reason()).contains(SchemaConfig.UNKNOWN_HASH_QUARANTINE_PROPERTY);
	}

	@Test
	void messagesWithMadeUpHashesHeldBehindOneAnotherShouldNotWaitADelayEach() {
		Instant stored = Instant.parse("2026-12-01T12:00:00Z");
		MovableClock clock = new MovableClock(stored.plusSeconds(1));
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofSeconds(60), clock);
		this.registry.publish(state(1, OWN));
		quarantine.refresh(this.registry);
		String first = "1".repeat(64);
		String second = "2".repeat(64);
		assertThat(quarantine.judge(first, OWN, stored, 0).quarantine()).isFalse();
		assertThat(quarantine.judge(first, OWN, stored, 0).reason()).contains("after the stream stored it");
		clock.move(Duration.ofSeconds(61));
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge(first, OWN, stored, 0).quarantine()).isTrue();
		// Stored with the first, seen only now that the first is out of the way: it waited as long.
		assertThat(quarantine.judge(second, OWN, stored, 0).quarantine()).isFalse();
		clock.move(Duration.ofSeconds(1));
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge(second, OWN, stored, 0).quarantine()).isTrue();
	}

	@Test
	void storageTimeShouldCountNoEarlierThanTheDelayBeforeTheHashWasFirstSeen() {
		Instant now = Instant.parse("2026-12-01T12:00:00Z");
		MovableClock clock = new MovableClock(now);
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofSeconds(60), clock);
		this.registry.publish(state(1, OWN));
		quarantine.refresh(this.registry);
		Instant longAgo = now.minus(Duration.ofHours(5));
		// The registry was read before the hash was first seen: it may lack a report made a moment ago.
		assertThat(quarantine.judge(UNKNOWN, OWN, longAgo, 0).quarantine()).isFalse();
		clock.move(Duration.ofMillis(100));
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge(UNKNOWN, OWN, longAgo, 0).quarantine()).isTrue();
		// A message stored after this node first saw its hash counts from the first sight.
		String later = "3".repeat(64);
		assertThat(quarantine.judge(later, OWN, clock.instant().plusSeconds(5), 0).quarantine()).isFalse();
		clock.move(Duration.ofSeconds(30));
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge(later, OWN, clock.instant(), 0).judgeAgainIn()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void changeOfASchemaItsOwnNodeMovedPastShouldBeAppliedWhereItFits() {
		Instant now = Instant.parse("2026-12-01T12:00:00Z");
		MovableClock clock = new MovableClock(now);
		InMemorySchemaRegistry registry = new InMemorySchemaRegistry(Duration.ofHours(1), clock);
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofSeconds(60), clock);
		// Node 2 made a change under h0, then migrated twice; this node too (it reports OWN, previous h1).
		registry.publish(new NodeSchemaState(1, OWN, "h1", "v0.1.0", List.of("Books"), now));
		registry.publish(new NodeSchemaState(2, "h0", null, "v0.1.0", List.of("Books"), now.minusSeconds(600)));
		registry.publish(new NodeSchemaState(2, "h1", "h0", "v0.1.0", List.of("Books"), now.minusSeconds(300)));
		registry.publish(new NodeSchemaState(2, OWN, "h1", "v0.1.0", List.of("Books"), now));
		quarantine.refresh(registry);
		Instant stored = now.minusSeconds(500);
		UnknownHashQuarantine.Verdict moved = quarantine.judge("h0", OWN, stored, 2);
		assertThat(moved.left()).isTrue();
		assertThat(moved.quarantine()).isFalse();
		assertThat(moved.reason()).contains("node 2, which made this change", "has since moved past it");
		assertThat(moved.byNameOnly()).as("h0 is two migrations older: no column is taken for a rename").isTrue();
		assertThat(quarantine.judge("h0", OWN, stored, 0).left()).as("origin unknown").isFalse();
		assertThat(quarantine.judge("h0", OWN, now.minusSeconds(30), 2).left())
			.as("the origin's report is not well after the message").isFalse();
		assertThat(quarantine.judge("h1", OWN, stored, 3).reason()).as("nodes of this schema migrated from h1")
			.contains("node(s) [1, 2]");
	}

	@Test
	void hashOfANodeThatLeftShouldKeepTheShardWaiting() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(50), Clock.systemUTC());
		this.registry.publish(new NodeSchemaState(2, "upgraded", "old", "v0.1.0", List.of("Books"), Instant.EPOCH));
		// Node 2's entry expires (it left), but its hashes stay in the history.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.nodes().isEmpty());
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge("upgraded", OWN).quarantine()).isFalse();
		assertThat(quarantine.judge("upgraded", OWN).reason())
			.contains("no node of the schema registry reports it now", "the shard action skip")
			.doesNotContain("rolling upgrade in progress");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			quarantine.refresh(this.registry);
			assertThat(quarantine.judge(UNKNOWN, OWN).quarantine()).isTrue();
		});
		UnknownHashQuarantine.Verdict known = quarantine.judge("old", OWN);
		assertThat(known.quarantine()).isFalse();
		assertThat(known.reason()).contains("waiting for this node's schema to catch up");
	}

	@Test
	void hashTheClusterLeftShouldBeAppliedWhereItFitsOnlyOnceEveryNodeReportsThisNodesHash() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(50), Clock.systemUTC());
		// Node 3 ran with hash "wrong" (e.g. another table list), then moved on to a schema this node does not have.
		NodeSchemaState third = new NodeSchemaState(3, "other", "wrong", "v0.1.0", List.of("Books"), Instant.EPOCH);
		publish(state(1, OWN), state(2, "upgrading"), third);
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge("wrong", OWN).left()).as("nodes 2 and 3 are on other schemas").isFalse();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			publish(state(1, OWN), state(2, OWN), new NodeSchemaState(3, OWN, "other", "v0.1.0", List.of("Books"),
					Instant.EPOCH), new NodeSchemaState(4, OWN, "wrong", "v0.1.0", List.of("Books"), Instant.EPOCH));
			quarantine.refresh(this.registry);
			UnknownHashQuarantine.Verdict verdict = quarantine.judge("wrong", OWN);
			assertThat(verdict.left()).isTrue();
			assertThat(verdict.quarantine()).isFalse();
		});
		assertThat(quarantine.judge("upgrading", OWN).left()).as("nobody moved from it").isFalse();
	}

	@Test
	void hashANodeOfThisSchemaMigratedFromShouldBeAppliedAtOnceAsChangesOfThePreviousSchema() {
		// This node started on the newer schema (a snapshot taken mid-upgrade, a new database): node 2 upgraded from
		// "older" to this node's schema while node 3 still runs "older".
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofHours(1), Clock.systemUTC());
		publish(state(1, OWN), new NodeSchemaState(2, OWN, "older", "v0.1.0", List.of("Books"), Instant.EPOCH),
				state(3, "older"));
		quarantine.refresh(this.registry);

		UnknownHashQuarantine.Verdict verdict = quarantine.judge("older", OWN);
		assertThat(verdict.left()).isTrue();
		assertThat(verdict.quarantine()).isFalse();
		assertThat(verdict.reason()).contains("node(s) [2]", "migrated to it from schema hash");
		assertThat(verdict.byNameOnly()).as("one migration: its renames are followed").isFalse();
		assertThat(quarantine.judge("older", "newer").left()).as("no node of schema 'newer' came from it").isFalse();
	}

	@Test
	void hashANodeOfThisSchemaMigratedFromShouldKeepTheShardWaitingWhenAnotherNodeMigratedFromThisSchemaToIt() {
		// Node 2 migrated from this node's schema to "newer", node 3 rolled "newer" back to this node's schema: the
		// changes of "newer" may carry columns this node has yet to add, so it waits for them.
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofHours(1), Clock.systemUTC());
		publish(state(1, OWN), new NodeSchemaState(2, "newer", OWN, "v0.1.0", List.of("Books"), Instant.EPOCH),
				new NodeSchemaState(3, OWN, "newer", "v0.1.0", List.of("Books"), Instant.EPOCH));
		quarantine.refresh(this.registry);

		UnknownHashQuarantine.Verdict verdict = quarantine.judge("newer", OWN);
		assertThat(verdict.left()).isFalse();
		assertThat(verdict.quarantine()).isFalse();
		assertThat(verdict.reason()).contains("rolling upgrade in progress");
	}

	@Test
	void registryNeverReadShouldQuarantineNothing() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(1), Clock.systemUTC());
		quarantine.refresh(new UnreachableSchemaRegistry());
		assertThat(quarantine.judge(UNKNOWN, OWN).quarantine()).isFalse();
		assertThat(quarantine.judge(UNKNOWN, OWN).reason()).contains("not read yet");
	}

	@Test
	void hashReportedAfterItWasFirstSeenShouldNoLongerBeQuarantined() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(50), Clock.systemUTC());
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge("late", OWN).quarantine()).isFalse();
		// The node with that hash starts and reports it before the next read.
		this.registry.publish(state(3, "late"));
		await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(100)).untilAsserted(() -> {
			quarantine.refresh(this.registry);
			assertThat(quarantine.judge("late", OWN).quarantine()).isFalse();
			assertThat(quarantine.judge("late", OWN).reason()).contains("waiting for this node's schema to catch up");
		});
	}

	private void publish(NodeSchemaState... states) {
		for (NodeSchemaState state : states) {
			this.registry.publish(state);
		}
	}

	private static NodeSchemaState state(long nodeId, String hash) {
		return new NodeSchemaState(nodeId, hash, null, "v0.1.0", List.of("Books"), Instant.EPOCH);
	}

}
