package io.harmonylite.schema;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link SchemaRegistry} shares; run against the in-memory fake and NATS KV.
 */
public abstract class SchemaRegistryContract {

	/** The short TTL the expiry test uses. */
	protected static final Duration SHORT_TTL = Duration.ofSeconds(2);

	/**
	 * Creates an empty registry of its own (no entries from other tests).
	 * @param ttl how long an entry lives after its last publish
	 * @return the registry
	 */
	protected abstract SchemaRegistry createRegistry(Duration ttl);

	@Test
	void emptyRegistryShouldListNoNodes() {
		assertThat(createRegistry(Duration.ofMinutes(5)).nodes()).isEmpty();
	}

	@Test
	void publishedStatesShouldBeListedAsPublished() {
		SchemaRegistry registry = createRegistry(Duration.ofMinutes(5));
		NodeSchemaState first = new NodeSchemaState(1, "aaaa1111", null, "v0.1.0", List.of("Books"),
				Instant.parse("2025-01-01T10:00:00Z"));
		NodeSchemaState second = new NodeSchemaState(2, "bbbb2222", "aaaa1111", "v0.2.0-SNAPSHOT",
				List.of("Books", "Order Items", "ünïcode \"quoted\""), Instant.parse("2025-01-01T10:00:01.123456789Z"), "flyway:2",
				Map.of("Books", List.of("id INTEGER", "title TEXT")), 2);
		registry.publish(first);
		registry.publish(second);
		assertThat(registry.nodes()).containsExactly(first, second);
	}

	@Test
	void reportedHashesShouldKeepEveryCurrentAndPreviousHashAlsoAfterTheEntryExpired() {
		SchemaRegistry registry = createRegistry(SHORT_TTL);
		assertThat(registry.reportedHashes()).isEmpty();
		registry.publish(state(1, "first"));
		registry.publish(new NodeSchemaState(2, "third", "second", "v0.1.0", List.of("Books"), Instant.EPOCH));
		assertThat(registry.reportedHashes()).containsExactlyInAnyOrder("first", "second", "third");
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(registry.nodes()).isEmpty());
		assertThat(registry.reportedHashes()).containsExactlyInAnyOrder("first", "second", "third");
	}

	@Test
	void nodesShouldBeOrderedByNodeId() {
		SchemaRegistry registry = createRegistry(Duration.ofMinutes(5));
		for (long nodeId : new long[] { 30, 1, 2, 10 }) {
			registry.publish(state(nodeId, "hash"));
		}
		assertThat(registry.nodes()).extracting(NodeSchemaState::nodeId).containsExactly(1L, 2L, 10L, 30L);
	}

	@Test
	void publishingAgainShouldReplaceTheNodesEntry() {
		SchemaRegistry registry = createRegistry(Duration.ofMinutes(5));
		registry.publish(state(1, "old"));
		registry.publish(state(2, "old"));
		NodeSchemaState upgraded = new NodeSchemaState(1, "new", "old", "v0.1.0", List.of("Books"),
				Instant.parse("2025-01-02T00:00:00Z"));
		registry.publish(upgraded);
		assertThat(registry.nodes()).containsExactly(upgraded, state(2, "old"));
	}

	@Test
	void stateWithoutTablesAndWithLargeNodeIdShouldRoundTrip() {
		SchemaRegistry registry = createRegistry(Duration.ofMinutes(5));
		NodeSchemaState state = new NodeSchemaState(Long.MAX_VALUE, "", null, "", List.of(), Instant.EPOCH);
		registry.publish(state);
		assertThat(registry.nodes()).containsExactly(state);
	}

	@Test
	void entryShouldExpireAfterTtlUnlessRepublished() {
		SchemaRegistry registry = createRegistry(SHORT_TTL);
		registry.publish(state(1, "alive"));
		registry.publish(state(2, "gone"));
		ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
		try {
			heartbeat.scheduleAtFixedRate(() -> registry.publish(state(1, "alive")), 0, 300, TimeUnit.MILLISECONDS);
			assertThat(registry.nodes()).extracting(NodeSchemaState::nodeId).contains(2L);
			await().atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(200))
				.untilAsserted(() -> assertThat(registry.nodes()).extracting(NodeSchemaState::nodeId)
					.containsExactly(1L));
		}
		finally {
			heartbeat.shutdownNow();
		}
	}

	protected static NodeSchemaState state(long nodeId, String hash) {
		return new NodeSchemaState(nodeId, hash, null, "v0.1.0", List.of("Books"), Instant.parse("2025-01-01T00:00:00Z"));
	}

}
