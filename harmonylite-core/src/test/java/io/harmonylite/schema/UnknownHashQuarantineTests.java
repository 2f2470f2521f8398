package io.harmonylite.schema;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hash that some node reports, now or before, keeps its shard waiting; a hash no node ever reported is quarantined
 * once it stayed unknown for the delay.
 */
class UnknownHashQuarantineTests {

	private static final String UNKNOWN = "f".repeat(64);

	private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry(Duration.ofMillis(100),
			Clock.systemUTC());

	@Test
	void hashNoNodeEverReportedShouldBeQuarantinedOnlyAfterTheDelay() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(300), Clock.systemUTC());
		this.registry.publish(state(1, "aaaa"));
		quarantine.refresh(this.registry);
		UnknownHashQuarantine.Verdict first = quarantine.judge(UNKNOWN);
		assertThat(first.quarantine()).isFalse();
		assertThat(first.judgeAgainIn()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
		assertThat(first.reason()).contains("no node in the schema registry has ever reported schema hash");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			quarantine.refresh(this.registry);
			assertThat(quarantine.judge(UNKNOWN).quarantine()).isTrue();
		});
		assertThat(quarantine.judge(UNKNOWN).reason()).contains(SchemaConfig.UNKNOWN_HASH_QUARANTINE_PROPERTY);
	}

	@Test
	void hashOfANodeThatLeftShouldKeepTheShardWaiting() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(50), Clock.systemUTC());
		this.registry.publish(new NodeSchemaState(2, "upgraded", "old", "v0.1.0", List.of("Books"), Instant.EPOCH));
		// Node 2's entry expires (it left), but its hashes stay in the history.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.nodes().isEmpty());
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge("upgraded").quarantine()).isFalse();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			quarantine.refresh(this.registry);
			assertThat(quarantine.judge(UNKNOWN).quarantine()).isTrue();
		});
		UnknownHashQuarantine.Verdict known = quarantine.judge("old");
		assertThat(known.quarantine()).isFalse();
		assertThat(known.reason()).contains("rolling upgrade");
	}

	@Test
	void registryNeverReadShouldQuarantineNothing() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(1), Clock.systemUTC());
		quarantine.refresh(new UnreachableSchemaRegistry());
		assertThat(quarantine.judge(UNKNOWN).quarantine()).isFalse();
		assertThat(quarantine.judge(UNKNOWN).reason()).contains("not read yet");
	}

	@Test
	void hashReportedAfterItWasFirstSeenShouldNoLongerBeQuarantined() {
		UnknownHashQuarantine quarantine = new UnknownHashQuarantine(1, Duration.ofMillis(50), Clock.systemUTC());
		quarantine.refresh(this.registry);
		assertThat(quarantine.judge("late").quarantine()).isFalse();
		// The node with that hash starts and reports it before the next read.
		this.registry.publish(state(3, "late"));
		await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(100)).untilAsserted(() -> {
			quarantine.refresh(this.registry);
			assertThat(quarantine.judge("late").quarantine()).isFalse();
			assertThat(quarantine.judge("late").reason()).contains("rolling upgrade");
		});
	}

	private static NodeSchemaState state(long nodeId, String hash) {
		return new NodeSchemaState(nodeId, hash, null, "v0.1.0", List.of("Books"), Instant.EPOCH);
	}

}
